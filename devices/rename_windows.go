package devices

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// Windows refuses, briefly, to replace a file another handle has open
// without FILE_SHARE_DELETE (a reader of it that moment: `mediadesk
// watch` loading the rules, a virus scanner), and to open a file while
// another process replaces it. Both refusals (access denied, a sharing
// violation) pass within moments, so the file's savers and readers try
// again for up to about a second before they count, as Go's own cmd/go
// does in its robustio package.

// transient says whether err is one of those brief refusals.
func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// retry runs f until it succeeds, fails otherwise than transiently, or
// about 1.3 s of waits have passed.
func retry(f func() error) error {
	for wait := 5 * time.Millisecond; ; wait *= 2 {
		err := f()
		if err == nil || !transient(err) || wait > 640*time.Millisecond {
			return err
		}
		time.Sleep(wait)
	}
}

// replaceFile renames tmp over path.
func replaceFile(tmp, path string) error {
	return retry(func() error { return os.Rename(tmp, path) })
}

// readFile reads path whole.
func readFile(path string) ([]byte, error) {
	var b []byte
	err := retry(func() error {
		var err error
		b, err = os.ReadFile(path)
		return err
	})
	return b, err
}
