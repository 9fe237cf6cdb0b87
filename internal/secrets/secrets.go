// Package secrets names where MediaDesk keeps its secrets in the OS keyring
// (Secret Service, macOS Keychain, Windows Credential Manager), so the
// window that saves one and the command line that reads it agree. It has
// no Fyne.
//
//	pw, err := secrets.TURNPassword(ctx, "turns:turn.example.com", "alice")
package secrets

import (
	"context"
	"errors"

	"github.com/zalando/go-keyring"
)

// Service is MediaDesk's keyring service: the account's API key or auth
// token under "<appId>/<mode>", a TURN password under TURNUser.
const Service = "io.mediadesk.MediaDesk"

// ErrNotFound is a secret the keyring does not have.
var ErrNotFound = keyring.ErrNotFound

// TURNUser is the keyring entry of the password of user on the TURN
// server(s) url: one password for each URL and user name pair.
func TURNUser(url, user string) string { return "turn/" + user + "@" + url }

// TURNPassword reads the saved TURN password from the system keyring. A
// locked keyring may wait on its unlock prompt: the wait ends with ctx.
func TURNPassword(ctx context.Context, url, user string) (string, error) {
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := keyring.Get(Service, TURNUser(url, user))
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil && !errors.Is(a.err, keyring.ErrNotFound) {
			return "", a.err
		}
		return a.s, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
