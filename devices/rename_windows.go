package devices

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// replaceFile renames tmp over path. Windows refuses to replace a file
// that another handle has open without FILE_SHARE_DELETE (a reader of it
// that moment: `mediadesk watch` loading the rules, a virus scanner), with
// access denied or a sharing violation; such a refusal is brief, so it is
// tried again for up to about a second before it counts (as Go's own
// cmd/go does in its robustio package).
func replaceFile(tmp, path string) error {
	var err error
	for wait := 5 * time.Millisecond; ; wait *= 2 {
		err = os.Rename(tmp, path)
		if err == nil || !(errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)) || wait > 640*time.Millisecond {
			return err
		}
		time.Sleep(wait)
	}
}
