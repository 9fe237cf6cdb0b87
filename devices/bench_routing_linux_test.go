package devices

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// routingBench starts a private server with two sinks and three playing
// apps that chose desk themselves (so the default alone does not move
// them), and a Manager on it.
func routingBench(b *testing.B) (*pulsetest.Server, *Manager) {
	s := pulsetest.Start(b)
	s.NullSink("desk", "Desk")
	s.NullSink("headset", "Headset")
	s.Pactl("set-default-sink", "headset")
	for _, app := range []string{"Zoom", "Firefox", "Slack"} {
		s.App(b, app, false, "")
		s.MoveApp(b, app, "desk")
	}
	m, err := newManager(context.Background(), Options{}, openMiniaudio, fixedCameras(nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return s, m
}

// allOn fails the benchmark unless pactl lists the three apps on device.
func allOn(b *testing.B, s *pulsetest.Server, device string) {
	for _, app := range []string{"Zoom", "Firefox", "Slack"} {
		if got := s.DeviceOf(b, app); got != device {
			b.Fatalf("%s is on %q, want %q", app, got, device)
		}
	}
}

// BenchmarkSetDefaultMove3 is "Use in all apps" with the move: the
// default and three apps' streams onto the other sink, until the call
// returns (the server has answered every move by then: pactl lists them
// there, checked after each round, outside the clock).
func BenchmarkSetDefaultMove3(b *testing.B) {
	s, m := routingBench(b)
	ctx := context.Background()
	targets := []string{"headset", "desk"}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		to := targets[i%2]
		start := time.Now()
		rep, err := m.SetSystemDefault(ctx, AudioOutput, to, true)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(rep.Moved) != 3 {
			b.Fatalf("moved %d, want 3", len(rep.Moved))
		}
		allOn(b, s, to)
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkPactlDefaultMove3 is the same with pactl, as a script does it:
// set-default-sink and one move-sink-input per stream, each a process.
func BenchmarkPactlDefaultMove3(b *testing.B) {
	s, _ := routingBench(b)
	var ids []string
	for _, st := range s.StreamsNow(b) {
		ids = append(ids, strconv.Itoa(st.Index))
	}
	targets := []string{"headset", "desk"}
	pactl := func(args ...string) {
		cmd := exec.Command("pactl", args...)
		cmd.Env = append(cmd.Environ(), "PULSE_SERVER="+s.Address())
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pactl %v: %v: %s", args, err, out)
		}
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		to := targets[i%2]
		start := time.Now()
		pactl("set-default-sink", to)
		for _, id := range ids {
			pactl("move-sink-input", id, to)
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		allOn(b, s, to)
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkRuleApplied is a headset rule: from the start of `pactl
// load-module` (a headset-named null sink appearing) to the list event
// that shows it as the default, which comes from reading the server back
// after the rule set it.
func BenchmarkRuleApplied(b *testing.B) {
	s := pulsetest.Start(b)
	s.NullSink("desk", "Desk")
	s.Pactl("set-default-sink", "desk")
	m, err := newManager(context.Background(), Options{}, openMiniaudio, fixedCameras(nil), startNotifiers)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	sub := m.Subscribe()
	defer sub.Close()
	if err := m.SetRules([]Rule{{Kind: AudioOutput, DeviceID: "usb_headset"}}); err != nil {
		b.Fatal(err)
	}
	waitList := func(what string, ok func(Lists) bool) {
		deadline := time.After(10 * time.Second)
		for {
			select {
			case e := <-sub.Events():
				if ok(e.Lists) {
					return
				}
			case <-deadline:
				b.Fatalf("no list event with %s within 10 s", what)
			}
		}
	}
	isDefault := func(l Lists) bool {
		for _, d := range l.AudioOutputDevices {
			if d.DeviceID == "usb_headset" && d.Default {
				return true
			}
		}
		return false
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		mod := s.NullSink("usb_headset", "USB_Headset")
		waitList("the headset as the default", isDefault)
		lat = append(lat, time.Since(start))
		b.StopTimer()
		s.Unload(mod)
		waitList("desk as the default again", func(l Lists) bool { return len(l.AudioOutputDevices) == 1 && l.AudioOutputDevices[0].Default })
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkVolumeLockRestore is the microphone volume lock: from another
// client's volume change (sent on a connection of its own, answered) to
// that client reading the lock's 60 % back from the server (polled every
// millisecond). Rounds are 300 ms apart, so the lock's fight-back bound
// (4 a second) is never reached.
func BenchmarkVolumeLockRestore(b *testing.B) {
	s := pulsetest.Start(b)
	s.PipeMic("desk_mic")
	m, err := newManager(context.Background(), Options{}, openMiniaudio, fixedCameras(nil), startNotifiers)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	ctx := context.Background()
	if err := m.LockVolume(ctx, AudioInput, "desk_mic", 0.6); err != nil {
		b.Fatal(err)
	}
	other := pulse.NewProps()
	defer other.Close()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(300 * time.Millisecond)
		b.StartTimer()
		start := time.Now()
		if err := other.SetVolume(ctx, true, "desk_mic", 0.3); err != nil {
			b.Fatal(err)
		}
		// The change was answered: from now on, 60 % on the server is
		// the lock's restore.
		deadline := time.Now().Add(5 * time.Second)
		for {
			d, err := other.Devices(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if v := d.Sources["desk_mic"].Volume; v > 0.59 && v < 0.61 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("not restored within 5 s (locks %+v)", m.VolumeLocks())
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}
