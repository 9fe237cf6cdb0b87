package miniaudio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The per-device state on Windows and macOS (state_windows.go,
// state_darwin.go) is read, watched and mapped the same way on both; the
// OS part is only which call reads, watches or sets a device. That shared
// part is here, portable, so it is built and tested on every OS.

// watchSet keeps one OS change listener per listed device, by key(input,
// id). A nil Closer is a listener that could not be added: it is kept, so
// it is not retried every scan (the periodic rescan still reads the state).
type watchSet map[string]io.Closer

// sync adds a listener (from watch) for each device of out that has none
// and closes and drops those of the devices no longer listed.
func (w *watchSet) sync(out []Device, watch func(Device) io.Closer) {
	if *w == nil {
		*w = watchSet{}
	}
	listed := map[string]bool{}
	for _, d := range out {
		k := key(d.Input, d.ID)
		listed[k] = true
		if _, ok := (*w)[k]; !ok {
			(*w)[k] = watch(d)
		}
	}
	w.drop(func(k string) bool { return !listed[k] })
}

// closeAll closes and drops every listener.
func (w watchSet) closeAll() { w.drop(func(string) bool { return true }) }

func (w watchSet) drop(gone func(key string) bool) {
	for k, c := range w {
		if gone(k) {
			if c != nil {
				c.Close()
			}
			delete(w, k)
		}
	}
}

// splitKey is key's inverse.
func splitKey(k string) (id string, input bool) {
	if id, ok := strings.CutPrefix(k, "in\x00"); ok {
		return id, true
	}
	return strings.TrimPrefix(k, "out\x00"), false
}

// nativeStates reads the state of each device of the last listing with
// read, which reports false for a device whose state it cannot read. The
// listing is taken under b.mu, and snapshot (if not nil) runs under the
// same lock, so that what it copies belongs to that listing; read runs
// without the lock.
func (b *Backend) nativeStates(ctx context.Context, snapshot func(), read func(k, id string, input bool) (Device, bool)) ([]Device, error) {
	b.mu.Lock()
	var keys []string
	for k := range b.native {
		keys = append(keys, k)
	}
	if snapshot != nil {
		snapshot()
	}
	b.mu.Unlock()
	var out []Device
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		id, input := splitKey(k)
		if d, ok := read(k, id, input); ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// nativeErr maps an OS package's sentinel errors onto this package's:
// noDevice to ErrNoSuchEntity, unsupported to ErrUnsupported.
func nativeErr(err, noDevice, unsupported error) error {
	switch {
	case errors.Is(err, noDevice):
		return fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
	case errors.Is(err, unsupported):
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return err
}
