package devices

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMissingProblems(t *testing.T) {
	mic := Info{DeviceID: "m", Kind: AudioInput}
	spk := Info{DeviceID: "s", Kind: AudioOutput}
	assert.Empty(t, MissingProblems(Lists{AudioInputDevices: []Info{mic}, AudioOutputDevices: []Info{spk}}), "no camera is fine")
	codes := func(ps []Problem) (out []string) {
		for _, p := range ps {
			out = append(out, p.Code)
		}
		return out
	}
	assert.Equal(t, []string{ProblemNoMicrophone}, codes(MissingProblems(Lists{AudioOutputDevices: []Info{spk}})))
	assert.Equal(t, []string{ProblemNoMicrophone, ProblemNoSpeaker}, codes(MissingProblems(Lists{})))
}

func TestCameraAndServerFindings(t *testing.T) {
	cam := Info{DeviceID: "/dev/video0", Kind: VideoInput, Label: "Integrated Camera"}
	for _, tc := range []struct {
		err  error
		code string
	}{
		{newError(CodeDeviceBusy, "busy", ""), ProblemCameraBusy},
		{ErrDeviceAccessDenied, ProblemCameraDenied},
		{newError(CodeCameraNoPicture, "no picture", ""), ProblemCameraNoPicture},
		{errors.New("ioctl failed"), ProblemCameraFailed},
	} {
		p := CameraProblem(cam, tc.err)
		assert.Equal(t, tc.code, p.Code, "%v", tc.err)
		assert.Equal(t, "/dev/video0", p.DeviceID)
		assert.Contains(t, p.Message, "Integrated Camera")
		assert.NotEmpty(t, p.Fix)
	}
	_, ok := SoundServerProblem(nil)
	assert.False(t, ok)
	p, ok := SoundServerProblem(newError(CodeSoundServerUnavailable, "gone", ""))
	assert.True(t, ok)
	assert.Equal(t, ProblemSoundServer, p.Code)
}
