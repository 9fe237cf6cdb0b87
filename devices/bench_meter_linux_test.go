package devices

import (
	"context"
	"testing"
	"time"

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
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkMeterCPU measures what one open meter costs, as a percentage of
// one core: process CPU over 10 s with the meter, minus 10 s with only the
// signal being fed.
func BenchmarkMeterCPU(b *testing.B) {
	s := pulsetest.Start(b)
	s.PipeMic("pipe_mic").SetAmplitude(0.3)
	m := benchManager(b)
	span := func() float64 {
		before, start := cpuTime(), time.Now()
		time.Sleep(10 * time.Second)
		return 100 * (cpuTime() - before).Seconds() / time.Since(start).Seconds()
	}
	for i := 0; i < b.N; i++ {
		base := span()
		mt, err := m.OpenMeter(context.Background(), "pipe_mic")
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			for range mt.Readings() {
			}
		}()
		with := span()
		mt.Close()
		b.ReportMetric(with-base, "%core")
		b.ReportMetric(base, "baseline-%core")
	}
}
