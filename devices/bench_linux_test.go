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
	time.Sleep(200 * time.Millisecond) // let the subscription go live
	drain(sub)

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
// ("speakers") and subscribes to a Manager on it.
func benchSubscription(b *testing.B) (*pulsetest.Server, *Subscription) {
	s := pulsetest.Start(b)
	s.NullSink("speakers", "Speakers")
	sub := benchManager(b).Subscribe()
	b.Cleanup(func() { sub.Close() })
	return s, sub
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

func drain(sub *Subscription) {
	for {
		select {
		case <-sub.Events():
		case <-sub.Errors():
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

// BenchmarkStorm makes 50 changes within a second (pulsetest.Storm, the
// same storm `make bench` makes) and counts the events delivered, and whether the
// last one matches the server's final state.
func BenchmarkStorm(b *testing.B) {
	s, sub := benchSubscription(b)
	time.Sleep(200 * time.Millisecond)
	drain(sub)
	events, exact := 0, 0
	for i := 0; i < b.N; i++ {
		if _, err := pulsetest.Storm(s.Address(), fmt.Sprintf("storm_%d", i)); err != nil {
			b.Fatal(err)
		}
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
	benchSubscription(b) // a watching Manager with a listener
	time.Sleep(300 * time.Millisecond)
	secs := 5
	if v, err := strconv.Atoi(os.Getenv("MEDIADESK_IDLE_SECONDS")); err == nil && v > 0 {
		secs = v
	}
	for i := 0; i < b.N; i++ {
		before := cpuTime()
		start := time.Now()
		time.Sleep(time.Duration(secs) * time.Second)
		used := cpuTime() - before
		b.ReportMetric(100*used.Seconds()/time.Since(start).Seconds(), "%core")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
