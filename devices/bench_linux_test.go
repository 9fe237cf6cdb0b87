package devices

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

// BenchmarkHotplugLatency measures a PulseAudio sink add or remove to the
// listener's event, on a private daemon. The clock starts before pactl is
// spawned, so process start-up (a few ms) is counted against us.
func BenchmarkHotplugLatency(b *testing.B) {
	s, sub := benchSubscription(b)
	var lat []time.Duration
	mod := -1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if mod < 0 {
			mod = s.NullSink("bench_"+strconv.Itoa(i), "Bench")
		} else {
			s.Unload(mod)
			mod = -1
		}
		select {
		case <-sub.Events():
			lat = append(lat, time.Since(start))
		case <-time.After(5 * time.Second):
			b.Fatal("no event within 5s")
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// reportLatency reports the median and the 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

// benchSubscription starts a private sound server with one sink
// ("speakers"), subscribes to a Manager on it and returns once the
// subscription is live and quiet (benchLive).
func benchSubscription(b *testing.B) (*pulsetest.Server, *Subscription) {
	s := pulsetest.Start(b)
	s.NullSink("speakers", "Speakers")
	sub := benchManager(b).Subscribe()
	b.Cleanup(func() { sub.Close() })
	benchLive(b, s, sub)
	return s, sub
}

// benchLive waits until sub's Manager watches the server and has nothing
// left to report: a marker sink's event arrives (the scan made when the
// subscription goes live is over by then, whether or not it saw the marker),
// then the marker is unloaded and its removal arrives, so the next event is
// the benchmark's own.
func benchLive(b *testing.B, s *pulsetest.Server, sub *Subscription) {
	b.Helper()
	mod := s.NullSink("bench_marker", "Bench_Marker")
	e := waitEvent(b, sub, "the marker sink")
	if got := ids(e.Added); len(got) != 1 || got[0] != "bench_marker" {
		b.Fatalf("first event added %v, want the marker sink alone", got)
	}
	s.Unload(mod)
	e = waitEvent(b, sub, "the marker sink's removal")
	if got := ids(e.Removed); len(got) != 1 || got[0] != "bench_marker" {
		b.Fatalf("second event removed %v, want the marker sink alone", got)
	}
}

// benchManager opens a Manager on the benchmark's private sound server,
// closed when the benchmark ends.
func benchManager(b *testing.B) *Manager {
	b.Helper()
	m, err := newManager(context.Background(), Options{}, openMiniaudio, fixedCameras(nil), startNotifiers)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

// BenchmarkStorm makes 50 changes within a second (pulsetest.Storm, the
// same storm `make bench` makes) and counts the events delivered, and whether the
// last one matches the server's final state.
func BenchmarkStorm(b *testing.B) {
	s, sub := benchSubscription(b)
	events, exact := 0, 0
	for i := 0; i < b.N; i++ {
		if _, err := pulsetest.Storm(s.Address(), fmt.Sprintf("storm_%d", i)); err != nil {
			b.Fatal(err)
		}
		// What is measured is whether the last event the storm brings is
		// the final state without a further change to prompt it, so the
		// count ends after a second with no event (a measurement window,
		// not a wait for readiness: a marker change would be that prompt).
		var last Event
		for done := false; !done; {
			select {
			case last = <-sub.Events():
				events++
			case <-time.After(time.Second):
				done = true
			}
		}
		if len(last.AudioOutputDevices) == 1 && last.AudioOutputDevices[0].DeviceID == "speakers" {
			exact++
		}
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/storm")
	b.ReportMetric(float64(exact)/float64(b.N), "last-exact")
}

// BenchmarkIdleWatcher measures the CPU a watching Manager uses while
// nothing changes, as a percentage of one core. MEDIADESK_IDLE_SECONDS sets
// the span (default 5; BENCHMARKS.md uses 60).
func BenchmarkIdleWatcher(b *testing.B) {
	benchSubscription(b) // a watching Manager with a listener, live and quiet
	secs := 5
	if v, err := strconv.Atoi(os.Getenv("MEDIADESK_IDLE_SECONDS")); err == nil && v > 0 {
		secs = v
	}
	for i := 0; i < b.N; i++ {
		before := cpuTime()
		start := time.Now()
		time.Sleep(time.Duration(secs) * time.Second) // the measurement window
		used := cpuTime() - before
		b.ReportMetric(100*used.Seconds()/time.Since(start).Seconds(), "%core")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
