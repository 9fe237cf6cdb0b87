package devices

import (
	"errors"
	"fmt"
	"strings"
)

// The pre-call check's findings beyond the OS state's and the signal's:
// the sound server and the camera. `mediadesk doctor` and the window's
// Check use the same codes and sentences (README lists them).
const (
	ProblemSoundServer     = CodeSoundServerUnavailable
	ProblemCameraBusy      = "CAMERA_BUSY"
	ProblemCameraDenied    = "CAMERA_DENIED"
	ProblemCameraNoPicture = CodeCameraNoPicture
	ProblemCameraFailed    = "CAMERA_FAILED"
	// ProblemHistoryDamaged is the call history's (package calls), named
	// here so that every finding's code is in one place.
	ProblemHistoryDamaged = "HISTORY_DAMAGED"
)

// SoundServerProblem is the finding for a Manager's Err when no sound
// server (or no audio system at all) answers; false for anything else.
func SoundServerProblem(err error) (Problem, bool) {
	if !errors.Is(err, ErrSoundServerUnavailable) && !errors.Is(err, ErrAudioUnavailable) {
		return Problem{}, false
	}
	return Problem{Code: ProblemSoundServer, Kind: AudioInput,
		Message: "No sound server answers, so microphones and speakers cannot be used for a call.",
		Fix:     "Start PulseAudio or PipeWire (pipewire-pulse), then check again"}, true
}

// CameraProblem is the finding for what opening or watching a camera
// gave: err from OpenCamera, from a Preview's Err, or its Warning.
func CameraProblem(cam Info, err error) Problem {
	name := cam.Label
	if name == "" {
		name = "The camera"
	}
	p := Problem{Kind: VideoInput, DeviceID: cam.DeviceID}
	switch {
	case errors.Is(err, ErrDeviceBusy):
		p.Code, p.Message = ProblemCameraBusy, fmt.Sprintf("%s is in use by another application.", name)
		p.Fix = "Close the other application (a browser tab, a call app), then check again"
	case errors.Is(err, ErrDeviceAccessDenied):
		p.Code, p.Message = ProblemCameraDenied, fmt.Sprintf("%s: the system denies MediaDesk access.", name)
		p.Fix = "Allow camera access (Linux: add yourself to the video group; Windows and macOS: the privacy settings)"
	case errors.Is(err, ErrCameraNoPicture):
		p.Code, p.Message = ProblemCameraNoPicture, fmt.Sprintf("%s sends no picture.", name)
		p.Fix = "Open its shutter or take its cover off"
	default:
		p.Code, p.Message = ProblemCameraFailed, fmt.Sprintf("%s does not work: %v.", name, err)
		p.Fix = "Plug it in again, or pick another camera"
	}
	return p
}

// HistoryProblem is the finding for a call history file (path, if known)
// that cannot be opened or read.
func HistoryProblem(path string, err error) Problem {
	where := "The call history"
	if path != "" {
		where += " (" + path + ")"
	}
	return Problem{Code: ProblemHistoryDamaged, Message: fmt.Sprintf("%s cannot be read: %v.", where, err),
		Fix: "Move the file aside and sync again (mediadesk calls sync)"}
}

// The findings for a kind with no device at all.
const (
	ProblemNoMicrophone = "NO_MICROPHONE"
	ProblemNoSpeaker    = "NO_SPEAKER"
)

// MissingProblems are the findings for what is not there: no microphone
// (nobody will hear you) or no speaker (you will hear nobody). No camera
// is not one: audio-only calls are fine. Only meaningful when the audio
// system answers (else SoundServerProblem says why the lists are empty).
func MissingProblems(l Lists) []Problem {
	var out []Problem
	if len(l.AudioInputDevices) == 0 {
		out = append(out, Problem{Code: ProblemNoMicrophone, Kind: AudioInput,
			Message: "No microphone is connected: nobody will hear you.", Fix: "Plug in a microphone or a headset"})
	}
	if len(l.AudioOutputDevices) == 0 {
		out = append(out, Problem{Code: ProblemNoSpeaker, Kind: AudioOutput,
			Message: "No speaker or headphones are connected: you will not hear the others.", Fix: "Plug in headphones or a speaker"})
	}
	return out
}

// FixSentence is the problem's fix as a sentence: ending in one full stop
// unless it has its own ("" when there is no fix).
func (p Problem) FixSentence() string {
	if p.Fix == "" || strings.HasSuffix(p.Fix, ".") || strings.HasSuffix(p.Fix, "?") || strings.HasSuffix(p.Fix, "!") {
		return p.Fix
	}
	return p.Fix + "."
}

// Sentence is the problem in words: its message, then its fix.
func (p Problem) Sentence() string {
	if p.Fix == "" {
		return p.Message
	}
	return p.Message + " " + p.FixSentence()
}
