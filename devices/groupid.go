package devices

import (
	"crypto/sha256"
	"encoding/hex"
)

// groupIDFor turns a backend's group key into the opaque groupId we
// publish: a short hash, like browsers give, so it reveals no hardware path
// and has one shape whatever the key came from. Never empty.
func groupIDFor(key string) string {
	sum := sha256.Sum256([]byte("mediadesk-group\x00" + key))
	return hex.EncodeToString(sum[:8])
}
