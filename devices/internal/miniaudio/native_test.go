package miniaudio

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/gen2brain/malgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type closeCount struct{ n *int }

func (c closeCount) Close() error { *c.n++; return nil }

func TestWatchSetSync(t *testing.T) {
	var w watchSet
	closed := 0
	var watched []string
	watch := func(d Device) io.Closer {
		watched = append(watched, key(d.Input, d.ID))
		if d.ID == "broken" {
			return nil // could not be added: kept as nil, not retried
		}
		return closeCount{&closed}
	}
	w.sync([]Device{{ID: "a", Input: true}, {ID: "a"}, {ID: "broken"}}, watch)
	assert.Equal(t, []string{key(true, "a"), key(false, "a"), key(false, "broken")}, watched)
	assert.Len(t, w, 3)

	w.sync([]Device{{ID: "a", Input: true}, {ID: "broken"}, {ID: "b"}}, watch)
	assert.Equal(t, key(false, "b"), watched[len(watched)-1], "only the new device is watched")
	assert.Len(t, watched, 4)
	assert.Equal(t, 1, closed, "the gone device's listener is closed")
	assert.NotContains(t, w, key(false, "a"))

	w.closeAll()
	assert.Empty(t, w)
	assert.Equal(t, 3, closed, "every non-nil listener closed once")
}

func TestSplitKey(t *testing.T) {
	for _, in := range []bool{true, false} {
		id, input := splitKey(key(in, "x\x00in"))
		assert.Equal(t, "x\x00in", id)
		assert.Equal(t, in, input)
	}
}

func TestNativeStates(t *testing.T) {
	b := &Backend{native: map[string]malgo.DeviceID{key(true, "mic"): {}, key(false, "spk"): {}, key(false, "gone"): {}}}
	var snap int
	out, err := b.nativeStates(context.Background(), func() { snap++ }, func(k, id string, input bool) (Device, bool) {
		assert.Equal(t, key(input, id), k)
		return Device{ID: id, Input: input, HasState: true}, id != "gone"
	})
	require.NoError(t, err)
	assert.Equal(t, 1, snap)
	assert.ElementsMatch(t, []Device{{ID: "mic", Input: true, HasState: true}, {ID: "spk", HasState: true}}, out)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err = b.nativeStates(ctx, nil, func(string, string, bool) (Device, bool) { return Device{}, true })
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, out)
}

func TestNativeErr(t *testing.T) {
	noDev, notSettable, other := errors.New("no device"), errors.New("not settable"), errors.New("other")
	assert.ErrorIs(t, nativeErr(noDev, noDev, notSettable), ErrNoSuchEntity)
	assert.ErrorIs(t, nativeErr(noDev, noDev, notSettable), noDev)
	assert.ErrorIs(t, nativeErr(notSettable, noDev, notSettable), ErrUnsupported)
	assert.ErrorIs(t, nativeErr(notSettable, noDev, notSettable), notSettable)
	assert.Equal(t, other, nativeErr(other, noDev, notSettable))
	assert.NoError(t, nativeErr(nil, noDev, notSettable))
}
