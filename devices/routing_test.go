package devices

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// macOSLike is a backend that can set the default but has no stream list
// (macOS: no per-app routing).
type macOSLike struct {
	*fakeAudio
	defaults []string
}

func (a *macOSLike) Streams(context.Context) ([]rawStream, error) {
	return nil, newError(CodeStateUnsupported, "no per-app routing here", "")
}

func (a *macOSLike) SetDefault(_ context.Context, _ Kind, id string) error {
	a.defaults = append(a.defaults, id)
	return nil
}

func (a *macOSLike) Move(context.Context, []rawStream, Kind, string, bool) ([]moveResult, error) {
	panic("no stream list: nothing to move")
}

// Without a stream list the default is still set; a move says it cannot
// be done, with the default set; Streams says it is unsupported; a
// backend with no routing at all (raw ALSA) refuses the default too.
func TestSetSystemDefaultWithoutStreams(t *testing.T) {
	sys := &fakeSystem{serverUp: true, server: []rawAudio{fakeSpeaker}}
	var b *macOSLike
	open := func(serverOnly bool) (audioBackend, *Error, error) {
		a, warn, err := sys.open(serverOnly)
		if err != nil {
			return nil, warn, err
		}
		b = &macOSLike{fakeAudio: a.(*fakeAudio)}
		return b, warn, nil
	}
	m, err := newManager(context.Background(), Options{}, open, fixedCameras(nil), func(func(what)) []io.Closer { return nil })
	require.NoError(t, err)
	defer m.Close()
	ctx := context.Background()

	rep, err := m.SetSystemDefault(ctx, AudioOutput, fakeSpeaker.ID, false)
	require.NoError(t, err)
	assert.Empty(t, rep.Moved)
	_, err = m.SetSystemDefault(ctx, AudioOutput, fakeSpeaker.ID, true)
	assert.ErrorIs(t, err, ErrStateUnsupported)
	assert.Contains(t, err.Error(), "cannot move")
	assert.Equal(t, []string{fakeSpeaker.ID, fakeSpeaker.ID}, b.defaults, "the default is set both times")
	_, err = m.Streams(ctx)
	assert.ErrorIs(t, err, ErrStateUnsupported)

	plain := fakeManager(t, &fakeSystem{serverUp: true, server: []rawAudio{fakeSpeaker}})
	_, err = plain.SetSystemDefault(ctx, AudioOutput, fakeSpeaker.ID, false)
	assert.ErrorIs(t, err, ErrStateUnsupported)
	assert.ErrorIs(t, plain.MoveStream(ctx, "out:1", fakeSpeaker.ID), ErrStateUnsupported)
}

func TestPrintable(t *testing.T) {
	assert.Equal(t, "Zoom", printable("Zoom"))
	assert.Equal(t, "a\uFFFD[31mred", printable("a\x1b[31mred"))
	assert.Equal(t, "bad\uFFFD", printable("bad\xff"))
	long := printable(string(make([]byte, 300)))
	assert.Equal(t, 201, len([]rune(long)))
}

func TestInUseLabels(t *testing.T) {
	assert.Equal(t, "Zoom", Stream{App: "Zoom", Binary: "zoom"}.Label())
	assert.Equal(t, "zoom", Stream{Binary: "zoom"}.Label())
	assert.Equal(t, "out:3", Stream{ID: "out:3"}.Label())
}

// rules.json keeps the rules and the locks: SaveRules (the CLI's set
// rule) keeps the window's locks; a file from before the locks reads as
// none; a stopped lock is saved as kept; a broken file is an error naming
// it and is left as it is.
func TestSavedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mediadesk", "rules.json")
	s, err := LoadSaved(path)
	require.NoError(t, err)
	assert.Equal(t, Saved{Rules: []Rule{}, Locks: []VolumeLock{}}, s, "no file: none")

	lock := VolumeLock{Kind: AudioInput, DeviceID: "usb_mic", Volume: 0.8, Stopped: true}
	require.NoError(t, SaveSaved(path, Saved{Locks: []VolumeLock{lock}}))
	rule := Rule{Kind: AudioOutput, DeviceID: "usb_headset", Label: "USB Headset", Move: true}
	require.NoError(t, SaveRules(path, []Rule{rule}))
	s, err = LoadSaved(path)
	require.NoError(t, err)
	lock.Stopped = false
	assert.Equal(t, Saved{Rules: []Rule{rule}, Locks: []VolumeLock{lock}}, s)

	require.NoError(t, os.WriteFile(path, []byte(`{"rules":[{"kind":"audioinput","deviceId":"a","move":false}]}`), 0o600))
	s, err = LoadSaved(path)
	require.NoError(t, err)
	assert.Equal(t, Saved{Rules: []Rule{{Kind: AudioInput, DeviceID: "a"}}, Locks: []VolumeLock{}}, s)

	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o600))
	_, err = LoadSaved(path)
	require.ErrorContains(t, err, path)
	assert.ErrorContains(t, SaveRules(path, nil), "not a MediaDesk rules file")
	b, _ := os.ReadFile(path)
	assert.Equal(t, "not json", string(b), "left as it is")
}

// A saved file with good rules and a bad lock (edited by hand) puts
// neither in force: what runs stays what the file would give once fixed,
// not half of it.
func TestApplySavedChecksBothFirst(t *testing.T) {
	m := fakeManager(t, &fakeSystem{serverUp: true, server: []rawAudio{serverMic}})
	err := m.ApplySaved(Saved{
		Rules: []Rule{{Kind: AudioOutput, DeviceID: "usb_headset", Move: true}},
		Locks: []VolumeLock{{Kind: AudioInput, DeviceID: "usb_mic", Volume: 1.5}},
	})
	require.ErrorIs(t, err, ErrInvalidVolume)
	assert.Empty(t, m.Rules(), "the rules were not put in force either")
	assert.Empty(t, m.VolumeLocks())
}
