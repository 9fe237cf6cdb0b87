//go:build linux

package pulsetest

import (
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// PipeMic is a microphone that carries a signal the test chooses: a
// module-pipe-source (the server creates its FIFO) fed a 440 Hz sine in real
// time (Feed). Amplitude 0 is silence.
type PipeMic struct {
	Module int
	f      *os.File
	amp    atomic.Uint64
	clip   atomic.Pointer[[]float32]
	stop   chan struct{}
}

// PipeMic loads a pipe-source microphone named name (s16le, 48 kHz, mono)
// and starts feeding it silence. It stops at cleanup.
func (s *Server) PipeMic(name string) *PipeMic {
	s.t.Helper()
	return s.pipeMic(name, nil)
}

// ClipMic is PipeMic fed clip (see Play) from its first sample on.
func (s *Server) ClipMic(name string, clip []float32) *PipeMic {
	s.t.Helper()
	return s.pipeMic(name, clip)
}

func (s *Server) pipeMic(name string, clip []float32) *PipeMic {
	s.t.Helper()
	fifo := filepath.Join(s.Dir, name+".fifo")
	mod := s.Load("module-pipe-source", "source_name="+name, "file="+fifo, "format=s16le", "rate=48000", "channels=1",
		"source_properties=device.description="+name)
	f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	m := &PipeMic{Module: mod, f: f, stop: make(chan struct{})}
	m.Play(clip)
	go m.feed()
	s.t.Cleanup(func() {
		close(m.stop)
		f.Close()
	})
	return m
}

// SetAmplitude sets the sine's peak, 0 to 1.
func (m *PipeMic) SetAmplitude(a float64) { m.amp.Store(math.Float64bits(a)) }

// Play feeds clip (mono, 48 kHz, -1 to 1) over and over instead of the
// sine, from wherever the feed is; nil goes back to the sine. The change
// is heard up to feedLead later.
func (m *PipeMic) Play(clip []float32) {
	if len(clip) == 0 {
		m.clip.Store(nil)
		return
	}
	m.clip.Store(&clip)
}

func (m *PipeMic) feed() {
	Feed(m.f, func(n int) float64 {
		if c := m.clip.Load(); c != nil {
			return float64((*c)[n%len(*c)])
		}
		return math.Float64frombits(m.amp.Load()) * math.Sin(2*math.Pi*440*float64(n)/48000)
	}, m.stop)
}

// feedLead is how far Feed stays ahead of the clock. A pipe source plays
// silence whenever its FIFO runs dry (PipeWire's does; PulseAudio's waits),
// so a feeder that only kept pace would read low whenever the machine is
// busy. 200 ms is 19200 bytes, well inside a FIFO's 64 KiB; a change of
// signal is heard that much later, so tests wait for it to show.
const feedLead = 200 * time.Millisecond

// Feed writes s16le mono 48 kHz audio to w, sample(n) giving sample n from
// -1 to 1, keeping feedLead ahead of real time (checked every 10 ms, and
// catching up after a late wake-up), until a write fails (the source was
// unloaded) or stop is closed (nil: never).
func Feed(w io.Writer, sample func(n int) float64, stop <-chan struct{}) {
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var chunk []byte
	for n := 0; ; {
		due := int((time.Since(start) + feedLead).Seconds() * 48000)
		chunk = chunk[:0]
		for ; n < due; n++ {
			chunk = binary.LittleEndian.AppendUint16(chunk, uint16(int16(sample(n)*32767)))
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}
