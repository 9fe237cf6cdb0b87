package coreaudio

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFold(t *testing.T) {
	for _, c := range []struct {
		name   string
		l      Levels
		muted  bool
		volume float64
		ok     bool
	}{
		{"main element", Levels{HasMainMute: true, MainMute: true, HasMainVolume: true, MainVolume: 0.25,
			Channels: []Channel{{HasVolume: true, Volume: 1}}}, true, 0.25, true},
		{"channels only: mean volume, muted when all are", Levels{Channels: []Channel{
			{HasMute: true, Mute: true, HasVolume: true, Volume: 0.5},
			{HasMute: true, Mute: true, HasVolume: true, Volume: 0.7}}}, true, 0.6, true},
		{"one channel unmuted", Levels{Channels: []Channel{
			{HasMute: true, Mute: true}, {HasMute: true}}}, false, 1, true},
		{"channels without controls are left out", Levels{Channels: []Channel{
			{}, {HasVolume: true, Volume: 0.2}}}, false, 0.2, true},
		{"mute on main, volume per channel", Levels{HasMainMute: true, Channels: []Channel{
			{HasVolume: true, Volume: 0.4}, {HasVolume: true, Volume: 0.6}}}, false, 0.5, true},
		{"no controls at all", Levels{Channels: []Channel{{}, {}}}, false, 1, false},
	} {
		muted, volume, ok := Fold(c.l)
		assert.Equal(t, c.muted, muted, c.name)
		assert.InDelta(t, c.volume, volume, 1e-9, c.name)
		assert.Equal(t, c.ok, ok, c.name)
	}
}

func TestStatusErr(t *testing.T) {
	assert.NoError(t, statusErr("uid", 0))
	assert.ErrorIs(t, statusErr("uid", resultNoDevice), ErrNoDevice)
	assert.ErrorIs(t, statusErr("uid", resultNotSettable), ErrNotSettable)
	// kAudioHardwareBadObjectError is 'who?'.
	assert.Contains(t, statusErr("uid", 0x77686F3F).Error(), "'who?'")
	assert.Contains(t, statusErr("uid", -50).Error(), "-50")
}
