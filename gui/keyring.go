package gui

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// SystemKeyring is the OS keyring (Secret Service, macOS Keychain, Windows
// Credential Manager) through github.com/zalando/go-keyring.
type SystemKeyring struct{}

// Get reads a secret.
func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set stores a secret.
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Delete removes a secret; one that is not there counts as removed.
func (SystemKeyring) Delete(service, user string) error {
	if err := keyring.Delete(service, user); !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}
