package miniaudio

import (
	"context"
	"slices"
	"strings"

	"github.com/mediadesk/mediadesk/devices/internal/coreaudio"
)

// macOS: the default input and output through CoreAudio's system object
// (coreaudio.SetDefault). There is no per-app routing on macOS: nothing to
// move. Who records is only "some process runs this microphone"
// (kAudioDevicePropertyDeviceIsRunningSomewhere) and "this process does"
// (kAudioDevicePropertyDeviceIsRunning), so each microphone another
// process runs is one stream of an unnamed app, pinned. While MediaDesk
// runs it too, macOS cannot say whether anyone else does: the microphone
// keeps what it was (an app's recording stays one while MediaDesk's guard
// meters it; MediaDesk's own meter opened first is not taken for a call).
// Never compiled here (no macOS builder): the README lists it as
// unverified.

// UnnamedApp is the app name of a recording macOS reports without saying
// which program it is.
const UnnamedApp = "An app"

func (b *Backend) platformStreams(ctx context.Context) ([]AppStream, error) {
	if b.name != NameCoreAudio {
		return nil, ErrUnsupported
	}
	b.mu.Lock()
	var ids []string
	for k := range b.native {
		if dir, id, _ := strings.Cut(k, "\x00"); dir == "in" {
			ids = append(ids, id)
		}
	}
	b.mu.Unlock()
	slices.Sort(ids)
	apps := map[string]bool{}
	for _, id := range ids {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		somewhere, here, err := coreaudio.Running(id)
		switch {
		case err != nil || !somewhere: // gone, or not running
		case !here:
			apps[id] = true
		default:
			b.mu.Lock()
			apps[id] = b.plat.apps[id]
			b.mu.Unlock()
		}
	}
	b.mu.Lock()
	b.plat.apps = apps
	b.mu.Unlock()
	var out []AppStream
	for i, id := range ids {
		if apps[id] {
			// The index is the device's place in the sorted list: one
			// stream per microphone another process runs.
			out = append(out, AppStream{Index: uint32(i + 1), Input: true, App: UnnamedApp, Device: id, Pinned: true})
		}
	}
	return out, nil
}

func (b *Backend) platformMove(context.Context, []AppStream, string, bool) ([]MoveResult, error) {
	return nil, ErrUnsupported
}

func platformSetDefault(backend, id string, input bool) error {
	if backend != NameCoreAudio {
		return ErrUnsupported
	}
	return coreAudioErr(coreaudio.SetDefault(id, input))
}
