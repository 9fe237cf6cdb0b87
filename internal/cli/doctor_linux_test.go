package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/micorpus"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// doctorJSON runs doctor --json and decodes the report, checking the
// documented schema's keys are all there.
func doctorJSON(t *testing.T, args ...string) (int, doctorReport) {
	t.Helper()
	code, out, errOut := run(append([]string{"doctor", "--json", "--no-network"}, args...)...)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw), "stdout %q stderr %q", out, errOut)
	for _, k := range []string{"ready", "soundServer", "devices", "problems", "fixed", "notes", "build"} {
		assert.Contains(t, raw, k)
	}
	var devs map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw["devices"], &devs))
	for _, k := range []string{"audioInputDevices", "audioOutputDevices", "videoInputDevices", "cards", "problems", "hints"} {
		assert.Contains(t, devs, k)
	}
	var rep doctorReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	return code, rep
}

func problemCodes(r doctorReport) []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.Code)
	}
	return out
}

func TestDoctor(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	mic := s.PipeMic("pipe_mic")
	mic.SetAmplitude(0.3)
	s.Pactl("set-default-source", "pipe_mic")
	db := filepath.Join(t.TempDir(), "history.db") // none yet: a note, not a problem

	// Healthy: ready, no camera and no history are notes.
	code, rep := doctorJSON(t, "--listen", "0", "--db", db)
	assert.Equal(t, ExitOK, code, "%+v", rep.Problems)
	assert.True(t, rep.Ready)
	assert.True(t, rep.SoundServer.Available)
	assert.Equal(t, "pulseaudio", rep.SoundServer.Backend)
	assert.NotEmpty(t, rep.SoundServer.Server)
	assert.Contains(t, rep.Notes, "No call history yet.")
	assert.Contains(t, rep.Notes, "No camera: audio-only calls are fine.")
	_, err := os.Stat(db)
	assert.ErrorIs(t, err, os.ErrNotExist, "doctor creates no history file")

	// A muted microphone: not ready, named; --fix unmutes; then ready.
	s.Pactl("set-source-mute", "pipe_mic", "1")
	code, rep = doctorJSON(t, "--listen", "0", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.False(t, rep.Ready)
	assert.Equal(t, []string{"MIC_MUTED"}, problemCodes(rep))
	assert.Equal(t, "pipe_mic", rep.Problems[0].DeviceID)
	cmd := rep.Problems[0].Command
	assert.Equal(t, "mediadesk set mute --device pipe_mic --kind audioinput off", cmd, "the command that fixes it")
	// The command works as given.
	code, out, errOut := run(strings.Fields(cmd)[1:]...)
	require.Equal(t, ExitOK, code, "%s: %s %s", cmd, out, errOut)
	assert.Contains(t, s.Pactl("get-source-mute", "pipe_mic"), "no")
	s.Pactl("set-source-mute", "pipe_mic", "1")
	code, rep = doctorJSON(t, "--listen", "0", "--db", db, "--fix")
	assert.Equal(t, ExitOK, code)
	require.Len(t, rep.Fixed, 1)
	assert.Equal(t, "MIC_MUTED", rep.Fixed[0].Code)
	assert.Contains(t, s.Pactl("get-source-mute", "pipe_mic"), "no")
	code, _ = doctorJSON(t, "--listen", "0", "--db", db)
	assert.Equal(t, ExitOK, code, "ready on the next run")

	// A microphone that sends digital silence while not muted.
	mic.SetAmplitude(0)
	code, rep = doctorJSON(t, "--listen", "4", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Equal(t, []string{"NO_SIGNAL"}, problemCodes(rep))

	// A damaged history file.
	require.NoError(t, os.WriteFile(db, []byte("this is not a database, just some text"), 0o600))
	code, rep = doctorJSON(t, "--listen", "0", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Equal(t, []string{"HISTORY_DAMAGED"}, problemCodes(rep))

	// Plain output says the same in words.
	code, out, _ = run("doctor", "--no-network", "--listen", "0", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, out, "HISTORY_DAMAGED")
	assert.Contains(t, out, "Not ready")

	// Usage.
	code, _, _ = run("doctor", "--listen", "-1")
	assert.Equal(t, ExitUsage, code)
}

func TestDoctorWithoutSoundServer(t *testing.T) {
	t.Setenv("PULSE_SERVER", "unix:/nonexistent/mediadesk/native")
	code, rep := doctorJSON(t, "--listen", "0", "--db", filepath.Join(t.TempDir(), "h.db"))
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, problemCodes(rep), "SOUND_SERVER_UNAVAILABLE")
	assert.False(t, rep.SoundServer.Available)
	assert.NotNil(t, rep.Devices.VideoInputDevices, "cameras are still checked")
}

// BenchmarkDoctor times `doctor --json` with the default 3 s listen, on
// the test's sound server (the goal: the listen plus at most 0.5 s), its
// microphone speaking (a clean clip of the corpus, looped).
func BenchmarkDoctor(b *testing.B) {
	sp := micorpus.ForTest(b)
	clean := sp.Clips(8, func(c micorpus.Clip) bool { return c.Group == "clean speech, pauses" })[0]
	s := pulsetest.Start(b)
	s.NullSink("speakers", "Speakers")
	s.ClipMic("pipe_mic", clean.Samples)
	s.Pactl("set-default-source", "pipe_mic")
	db := filepath.Join(b.TempDir(), "history.db")
	for _, cam := range []string{"", "1"} {
		name := "no-camera"
		if cam != "" {
			name = "test-pattern-camera" // looked at for 2.5 s during the listen
		}
		b.Run(name, func(b *testing.B) {
			b.Setenv("MEDIADESK_TEST_CAMERA", cam)
			for i := 0; i < b.N; i++ {
				if code, out, errOut := run("doctor", "--json", "--no-network", "--db", db); code != ExitOK {
					b.Fatalf("doctor: exit %d: %s %s", code, out, errOut)
				}
			}
		})
	}
}

// The chosen camera is opened briefly: the synthetic test-pattern camera
// sends a picture, so it is a note, not a problem.
func TestDoctorCamera(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	s.PipeMic("pipe_mic").SetAmplitude(0.3)
	// Named the default, not left to the server: PipeWire's session
	// manager sometimes kept the speakers' monitor (DEFAULT_MIC_IS_MONITOR).
	s.Pactl("set-default-source", "pipe_mic")
	t.Setenv("MEDIADESK_TEST_CAMERA", "1")
	code, rep := doctorJSON(t, "--listen", "0", "--db", filepath.Join(t.TempDir(), "h.db"))
	assert.Equal(t, ExitOK, code, "%+v", rep.Problems)
	assert.Contains(t, rep.Notes, "The camera sends a picture.")
	require.NotEmpty(t, rep.Devices.VideoInputDevices)
}

// A sound server with a speaker and no microphone (a sink's monitor is
// not one): NO_MICROPHONE, not ready.
func TestDoctorNoMicrophone(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	code, rep := doctorJSON(t, "--listen", "0", "--no-camera", "--db", filepath.Join(t.TempDir(), "h.db"))
	assert.Equal(t, ExitRuntime, code)
	assert.Equal(t, []string{"NO_MICROPHONE"}, problemCodes(rep))
}
