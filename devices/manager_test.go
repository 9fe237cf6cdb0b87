package devices

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noAudio stands for a machine where no audio backend opens at all.
func noAudio(bool) (audioBackend, *Error, error) {
	return nil, nil, newError(CodeAudioUnavailable, "no audio backend could be initialised", "")
}

type fixedCameras []Camera

func (f fixedCameras) Cameras(context.Context) ([]Camera, error) { return f, nil }

func oneCamera() fixedCameras {
	return fixedCameras{{Info: Info{DeviceID: "/dev/v4l/by-id/usb-cam-video-index0", Kind: VideoInput, Label: "Cam", GroupID: "g"}, Node: "/dev/video0"}}
}

func TestManagerWithoutAudioStillListsCameras(t *testing.T) {
	m, err := newManager(context.Background(), Options{}, noAudio, oneCamera(), nil)
	require.NoError(t, err)
	defer m.Close()
	assert.ErrorIs(t, m.Err(), ErrAudioUnavailable)
	assert.Empty(t, m.AudioInputDevices())
	assert.NotNil(t, m.AudioInputDevices(), "lists are [] in JSON, not null")
	require.Len(t, m.VideoInputDevices(), 1)
	cur, ok := m.CurrentVideoInputDevice()
	assert.True(t, ok)
	assert.True(t, cur.Active)
	assert.True(t, m.Cameras()[0].Active, "Cameras agrees with VideoInputDevices (found in the QEMU guest)")
	_, ok = m.CurrentAudioInputDevice()
	assert.False(t, ok)
}

func TestManagerSetUnknownDevice(t *testing.T) {
	m, err := newManager(context.Background(), Options{}, noAudio, oneCamera(), nil)
	require.NoError(t, err)
	defer m.Close()
	err = m.SetVideoInputDevice("/dev/v4l/by-id/nope")
	assert.ErrorIs(t, err, ErrUnknownDevice)
	var de *Error
	require.True(t, errors.As(err, &de))
	assert.Equal(t, "VALIDATION_ERROR", de.Name)
	assert.ErrorIs(t, m.SetAudioOutputDevice("x"), ErrUnknownDevice)
	assert.NoError(t, m.SetVideoInputDevice(SystemDefault))

	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "a second Close is a no-op")
	assert.ErrorIs(t, m.SetVideoInputDevice("/dev/v4l/by-id/usb-cam-video-index0"), ErrClosed)
	assert.ErrorIs(t, m.Refresh(context.Background()), ErrClosed)
}

func TestPreferenceRestore(t *testing.T) {
	cams := fixedCameras{
		{Info: Info{DeviceID: "/dev/v4l/by-id/a", Kind: VideoInput, Label: "Built-in", GroupID: "g1"}, Node: "/dev/video0"},
		{Info: Info{DeviceID: "/dev/v4l/by-path/b", Kind: VideoInput, Label: "USB Cam", GroupID: "g2"}, Node: "/dev/video2"},
	}
	m, err := newManager(context.Background(), Options{}, noAudio, cams, nil)
	require.NoError(t, err)
	defer m.Close()
	assert.True(t, m.Preference(VideoInput).FollowsDefault())

	// Saved yesterday under an id that is gone; label and group still match.
	require.NoError(t, m.SetPreference(VideoInput, Preference{DeviceID: "/dev/v4l/by-id/old", Label: "USB Cam", GroupID: "g2"}))
	cur, _ := m.CurrentVideoInputDevice()
	assert.Equal(t, "/dev/v4l/by-path/b", cur.DeviceID)

	// A device that is not there at all: the default is active meanwhile.
	require.NoError(t, m.SetPreference(VideoInput, Preference{DeviceID: "/dev/v4l/by-id/elsewhere", Label: "Other"}))
	cur, _ = m.CurrentVideoInputDevice()
	assert.Equal(t, "/dev/v4l/by-id/a", cur.DeviceID)
	assert.Equal(t, "/dev/v4l/by-id/elsewhere", m.Preference(VideoInput).DeviceID, "kept for when it comes back")

	require.NoError(t, m.SetVideoInputDevice("/dev/v4l/by-path/b"))
	assert.Equal(t, Preference{DeviceID: "/dev/v4l/by-path/b", Label: "USB Cam", GroupID: "g2"}, m.Preference(VideoInput))
	assert.ErrorIs(t, m.SetPreference(Kind("speaker"), Preference{}), ErrInvalidKind)
	// An unknown kind is an error or a zero value, never a panic.
	assert.Equal(t, Preference{}, m.Preference(Kind("x")))
	assert.ErrorIs(t, m.set(Kind("x"), "a"), ErrInvalidKind)
}

func TestManagerHidesInfraredUnlessAsked(t *testing.T) {
	cams := fixedCameras{
		{Info: Info{DeviceID: "/dev/v4l/by-id/cam", Kind: VideoInput, Label: "Cam", GroupID: "g1"}, Node: "/dev/video0"},
		{Info: Info{DeviceID: "/dev/v4l/by-id/ir", Kind: VideoInput, Label: "IR", GroupID: "g1"}, Node: "/dev/video2", Infrared: true},
	}
	for _, include := range []bool{false, true} {
		m, err := newManager(context.Background(), Options{IncludeInfrared: include}, noAudio, cams, nil)
		require.NoError(t, err)
		want := 1
		if include {
			want = 2
		}
		assert.Len(t, m.VideoInputDevices(), want)
		assert.True(t, m.VideoInputDevices()[0].Default, "the first camera stands in as default")
		m.Close()
	}
}
