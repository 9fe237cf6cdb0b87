package devices

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// BenchmarkMeterLatency measures the time from a sine starting to be
// written into a pipe microphone to the first reading above -30 dBFS,
// alternating silence and sound. It includes the pipe source's own
// buffering, so it is what a person would see.
func BenchmarkMeterLatency(b *testing.B) {
	s := pulsetest.Start(b)
	mic := s.PipeMic("pipe_mic")
	m := benchManager(b)
	mt, err := m.OpenMeter(context.Background(), "pipe_mic")
	if err != nil {
		b.Fatal(err)
	}
	defer mt.Close()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mic.SetAmplitude(0)
		for quiet := 0; quiet < 5; { // wait for silence to be read
			if r := <-mt.Readings(); r.RMSDBFS < -60 {
				quiet++
			}
		}
		start := time.Now()
		mic.SetAmplitude(0.5)
		for r := range mt.Readings() {
			if r.RMSDBFS > -30 {
				lat = append(lat, time.Since(start))
				break
			}
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkMeterCPU measures what one open meter costs, as a percentage of
// one core: process CPU over 10 s with the meter, minus 10 s without.
//
//   - monitor: a null sink's monitor, played into by a separate pacat, is
//     the microphone. Like a real (ALSA) microphone it is timer-driven and
//     delivers what the stream asks for; nothing else runs in the process.
//   - pipe: a module-pipe-source fed from this process every 10 ms (the
//     setup of the latency benchmark); the source pushes each 10 ms chunk,
//     so the stream wakes 100 times a second, and the feeding goroutine
//     shares the process.
//
// Each on what ships on a sound server (our own PulseAudio client, the
// meter fed from Go: "client") and on miniaudio's stream, which that
// replaced, with its C callback and its Go callback fallback.
func BenchmarkMeterCPU(b *testing.B) {
	for _, src := range []string{"monitor", "pipe"} {
		for _, how := range []string{"client", "miniaudio-C-callback", "miniaudio-Go-callback"} {
			b.Run(src+"/"+how, func(b *testing.B) {
				miniaudio.PulseViaMiniaudio = how != "client"
				miniaudio.MeterInC = how != "miniaudio-Go-callback"
				defer func() { miniaudio.PulseViaMiniaudio, miniaudio.MeterInC = false, true }()
				benchMeterCPU(b, src, how == "miniaudio-C-callback", false)
			})
		}
	}
	// The signal warnings on every reading, as the window, check mic and
	// doctor run them (issue 19: they must add nothing measurable).
	b.Run("pipe/client/signal-check", func(b *testing.B) { benchMeterCPU(b, "pipe", false, true) })
}

// BenchmarkSignalCheckAdd is one reading through the signal warnings (25
// a second on a meter).
func BenchmarkSignalCheckAdd(b *testing.B) {
	c := NewSignalCheck("mic", "The microphone", false)
	at := time.Unix(0, 0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		at = at.Add(40 * time.Millisecond)
		c.Add(Reading{At: at, RMSDBFS: -30 - float64(i%7), PeakDBFS: -12 - float64(i%5)})
	}
}

func benchMeterCPU(b *testing.B, src string, inC, signal bool) {
	s := pulsetest.Start(b)
	id := "pipe_mic"
	if src == "monitor" {
		s.NullSink("room", "Room")
		id = "room.monitor"
		noise, err := os.Open("/dev/urandom")
		if err != nil {
			b.Fatal(err)
		}
		defer noise.Close()
		play := exec.Command("pacat", "-d", "room", "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=20")
		play.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
		play.Stdin = noise
		if err := play.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { play.Process.Kill(); play.Wait() }()
	} else {
		s.PipeMic(id).SetAmplitude(0.3)
	}
	m := benchManager(b)
	span := func() float64 {
		before, start := cpuTime(), time.Now()
		time.Sleep(10 * time.Second)
		return 100 * (cpuTime() - before).Seconds() / time.Since(start).Seconds()
	}
	for i := 0; i < b.N; i++ {
		base := span()
		mt, err := m.OpenMeter(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if mt.s.(*miniaudio.Stream).Direct() != inC {
			b.Fatalf("meter on the C callback: %v, want %v", mt.s.(*miniaudio.Stream).Direct(), inC)
		}
		count := make(chan int)
		go func() {
			n := 0
			check := NewSignalCheck(id, "The microphone", false)
			for r := range mt.Readings() {
				if signal {
					check.Add(r)
				}
				n++
			}
			count <- n
		}()
		with := span()
		mt.Close()
		if n := <-count; n < 200 {
			b.Fatalf("only %d readings in 10 s", n)
		}
		b.ReportMetric(with-base, "%core")
		b.ReportMetric(base, "baseline-%core")
	}
}
