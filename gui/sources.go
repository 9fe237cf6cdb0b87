package gui

import (
	"context"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
)

// Devices is what the devices panel uses; *devices.Manager provides it
// through ManagerDevices.
type Devices interface {
	Devices() devices.Lists
	Cameras() []devices.Camera
	Err() error
	Refresh(ctx context.Context) error
	Set(k devices.Kind, id string) error
	Preference(k devices.Kind) devices.Preference
	SetPreference(k devices.Kind, p devices.Preference) error
	AddListener(id string, l devices.Listener)
	RemoveListener(id string)
	OpenMeter(ctx context.Context, deviceID string) (LevelSource, error)
	PlayTone(ctx context.Context, deviceID string) error
	// PlayTestTone plays the chime on both sides or one, with the level of
	// what it plays (the walk's speaker step).
	PlayTestTone(ctx context.Context, deviceID string, t devices.TestTone) error
	// The OS state of microphones and speakers, and its problems.
	State(k devices.Kind, id string) (devices.DeviceState, bool)
	Problems() []devices.Problem
	// Hints are worth showing, never a reason a call would fail.
	Hints() []devices.Problem
	// SignalCheck starts the signal warnings' check of a microphone,
	// knowing whether the system has it muted now.
	SignalCheck(id, label string) *devices.SignalCheck
	Fix(ctx context.Context, p devices.Problem) error
	SetVolume(ctx context.Context, k devices.Kind, id string, v float64) error
	// Hear yourself: record from a microphone, play it on a speaker.
	Record(ctx context.Context, micID string, d time.Duration, onLevel func(devices.Reading)) (*devices.Recording, error)
	Play(ctx context.Context, speakerID string, rec *devices.Recording) error
	OpenCamera(ctx context.Context, deviceID string, want devices.CaptureOptions) (CameraSource, error)
}

// LevelSource is an open microphone meter.
type LevelSource interface {
	Readings() <-chan devices.Reading
	Err() error
	Close() error
}

// ManagerDevices adapts a *devices.Manager to Devices.
type ManagerDevices struct{ *devices.Manager }

// Set selects a device of kind k (devices.SystemDefault follows the OS).
func (m ManagerDevices) Set(k devices.Kind, id string) error {
	switch k {
	case devices.AudioInput:
		return m.SetAudioInputDevice(id)
	case devices.AudioOutput:
		return m.SetAudioOutputDevice(id)
	default:
		return m.SetVideoInputDevice(id)
	}
}

// OpenMeter opens a level meter on a microphone.
func (m ManagerDevices) OpenMeter(ctx context.Context, id string) (LevelSource, error) {
	mt, err := m.Manager.OpenMeter(ctx, id)
	if err != nil {
		return nil, err
	}
	return mt, nil
}

// History is the read side of the call history the panel draws from;
// *calls.Store provides it.
type History interface {
	Calls(ctx context.Context, f calls.Filter, offset, limit int) ([]calls.CallLog, error)
	Count(ctx context.Context, f calls.Filter) (int, error)
	DailyMinutes(ctx context.Context, now time.Time, days int) ([]calls.DayMinutes, error)
	Meta(ctx context.Context, key string) (string, error)
}

// Keyring keeps the account secret; go-keyring's functions fit it
// (SystemKeyring).
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}
