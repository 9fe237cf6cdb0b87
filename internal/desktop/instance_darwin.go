//go:build darwin

package desktop

import "context"

// Claim makes this process the user's one MediaDesk, or finds the one
// that runs: ErrAlreadyRunning then (after it was asked to show its window,
// with o.Activate), or ErrNoAnswer when it did not take the request. Any
// other error means it could not be told (the caller may run anyway).
//
// On macOS: the lock and socket in $TMPDIR (written, not run on macOS
// here: unverified; the same code is tested on Linux).
func Claim(ctx context.Context, o InstanceOptions) (*Instance, error) {
	return claimSocket(ctx, o)
}
