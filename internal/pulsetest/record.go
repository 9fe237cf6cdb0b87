//go:build linux

package pulsetest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Rate is the sample rate a Recorder captures at and Goertzel assumes.
const Rate = 48000

// Recorder captures a source (e.g. a sink's monitor) with parec as s16le
// at 48 kHz, and gives the test its left channel. It records in stereo
// because a mono recording of a stereo sink depends on the server's
// downmix: PulseAudio averages the channels, PipeWire sums them (+3 dB).
type Recorder struct {
	cmd  *exec.Cmd
	out  SyncBuffer
	once sync.Once
	left []int16
}

// Record starts a Recorder on source; the test's cleanup stops it.
func (s *Server) Record(t testing.TB, source string) *Recorder {
	t.Helper()
	// --latency-msec: parec's default buffering lags about 1.3 s behind.
	r := &Recorder{}
	r.cmd = exec.Command("parec", "--device="+source, "--raw", "--format=s16le", "--rate=48000", "--channels=2", "--latency-msec=20")
	r.cmd.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
	r.cmd.Stdout = &r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("parec: %v", err)
	}
	t.Cleanup(func() { r.Stop() })
	return r
}

// Len is how many frames (samples of one channel) it has captured so far.
func (r *Recorder) Len() int { return r.out.Len() / 4 }

// WaitFor waits until it has captured d of audio, failing after 10 s.
func (r *Recorder) WaitFor(t testing.TB, d time.Duration, what string) {
	t.Helper()
	want := int(d.Seconds() * Rate)
	WaitFor(t, 10*time.Second, fmt.Sprintf("%s: the recorder to capture %d frames", what, want), func() bool { return r.Len() >= want })
}

// Stop ends the recording and returns its left channel; later calls return
// the same.
func (r *Recorder) Stop() []int16 {
	r.once.Do(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
		b := r.out.Bytes()
		frames := make([][2]int16, len(b)/4)
		binary.Read(bytes.NewReader(b[:len(frames)*4]), binary.LittleEndian, frames)
		r.left = make([]int16, len(frames))
		for i, f := range frames {
			r.left[i] = f[0]
		}
	})
	return r.left
}

// Goertzel returns the amplitude (0..1) of one frequency in a signal
// sampled at Rate.
func Goertzel(x []int16, freq float64) float64 {
	if len(x) == 0 {
		return 0
	}
	k := 2 * math.Cos(2*math.Pi*freq/Rate)
	var s1, s2 float64
	for _, v := range x {
		s := float64(v)/32768 + k*s1 - s2
		s2, s1 = s1, s
	}
	power := s1*s1 + s2*s2 - k*s1*s2
	return 2 * math.Sqrt(power) / float64(len(x))
}

// Peak is a signal's largest absolute sample (0..1).
func Peak(x []int16) float64 {
	p := 0.0
	for _, v := range x {
		p = math.Max(p, math.Abs(float64(v)/32768))
	}
	return p
}
