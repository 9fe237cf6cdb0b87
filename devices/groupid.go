package devices

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/mediadesk/mediadesk/devices/internal/sysfs"
)

// groupIDFor turns a backend's group key for device id into the opaque
// groupId we publish: a short hash, like browsers give, so it reveals no
// hardware path and has one shape whatever the key came from. A device
// without a key is a group of its own (sysfs.OwnGroupKey). Never empty.
func groupIDFor(key, id string) string {
	if key == "" {
		key = sysfs.OwnGroupKey(id)
	}
	sum := sha256.Sum256([]byte("mediadesk-group\x00" + key))
	return hex.EncodeToString(sum[:8])
}
