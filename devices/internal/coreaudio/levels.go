package coreaudio

import (
	"errors"
	"fmt"
)

// Portable half of the device state, unit-tested on every OS
// (levels_test.go): how what CoreAudio reports per element folds into one
// mute and one volume, and what its status codes mean.

// Levels is what CoreAudio reports for one device in one scope (input for
// a microphone, output for a speaker): kAudioDevicePropertyMute and
// kAudioDevicePropertyVolumeScalar on the main element, and on each
// channel element 1..n where the main element has none.
type Levels struct {
	HasMainMute, MainMute bool
	HasMainVolume         bool
	MainVolume            float64
	Channels              []Channel // elements 1..n, in order
}

// Channel is one channel element's controls.
type Channel struct {
	HasMute, Mute bool
	HasVolume     bool
	Volume        float64
}

// Fold turns Levels into one mute and one volume. The main element wins;
// without it the channels decide: muted when every channel with a mute
// control is muted, the volume the mean of the channels with a volume
// control. A device with no volume control at all (many USB microphones,
// HDMI and digital outputs) runs at full level: volume 1. ok is false
// when it has neither control (nothing to report, nothing to fix).
func Fold(l Levels) (muted bool, volume float64, ok bool) {
	hasMute, hasVol := l.HasMainMute, l.HasMainVolume
	muted, volume = l.MainMute, l.MainVolume
	if !hasMute {
		n, m := 0, 0
		for _, c := range l.Channels {
			if c.HasMute {
				n++
				if c.Mute {
					m++
				}
			}
		}
		hasMute, muted = n > 0, n > 0 && m == n
	}
	if !hasVol {
		n, sum := 0, 0.0
		for _, c := range l.Channels {
			if c.HasVolume {
				n++
				sum += c.Volume
			}
		}
		if n > 0 {
			hasVol, volume = true, sum/float64(n)
		}
	}
	if !hasVol {
		volume = 1
	}
	return muted, volume, hasMute || hasVol
}

// Errors of the state calls.
var (
	// ErrNoDevice: no device with that UID (it went away).
	ErrNoDevice = errors.New("no CoreAudio device with that UID")
	// ErrNotSettable: the device has no settable mute or volume control
	// in that scope (AudioObjectIsPropertySettable said no everywhere).
	ErrNotSettable = errors.New("the device's control cannot be set")
)

// The md_ca_* calls' own results besides an OSStatus.
const (
	resultNoDevice    = -1
	resultNotSettable = -2
)

// statusErr turns a call's result into an error: 0 is success, the two
// negative values ours, anything else CoreAudio's OSStatus (a four-char
// code, printed so).
func statusErr(uid string, st int32) error {
	switch st {
	case 0:
		return nil
	case resultNoDevice:
		return fmt.Errorf("%w: %s", ErrNoDevice, uid)
	case resultNotSettable:
		return fmt.Errorf("%w: %s", ErrNotSettable, uid)
	}
	return fmt.Errorf("CoreAudio on %s: OSStatus %d (%s)", uid, st, fourCC(st))
}

// fourCC prints an OSStatus the way CoreAudio's headers name them ('who?'
// is kAudioHardwareBadObjectError), or the number when it is not one.
func fourCC(st int32) string {
	u := uint32(st)
	b := []byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprint(st)
		}
	}
	return "'" + string(b) + "'"
}
