//go:build linux

package pulsetest

import (
	"encoding/json"
	"maps"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// App is another program playing or recording: pacat (or parec) run with
// application.name set, as Zoom or Firefox would show on the server.
type App struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// App starts pacat playing silence (record false) or recording (true) as
// application name, on device ("" for the server's default), until the
// test ends or Stop. It returns once the server lists its stream.
func (s *Server) App(t testing.TB, name string, record bool, device string) *App {
	t.Helper()
	args := []string{"--playback", "--property=application.name=" + name, "--latency-msec=50"}
	if record {
		args[0] = "--record"
	}
	if device != "" {
		args = append(args, "--device="+device)
	}
	if !record {
		args = append(args, "/dev/zero")
	} else {
		args = append(args, "/dev/null")
	}
	cmd := exec.Command("pacat", args...)
	cmd.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("pacat: %v", err)
	}
	a := &App{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(a.Stop)
	WaitFor(t, readyWithin, "the server to list "+name+"'s stream", func() bool {
		select {
		case <-a.done:
			t.Fatalf("pacat for %s exited early", name)
		default:
		}
		for _, st := range s.StreamsNow(t) {
			if st.App == name && st.PID == cmd.Process.Pid {
				return true
			}
		}
		return false
	})
	return a
}

// PID is the app's process id.
func (a *App) PID() int { return a.cmd.Process.Pid }

// Stop ends the app and waits for it; a second Stop does nothing.
func (a *App) Stop() {
	a.cmd.Process.Kill()
	<-a.done
}

// PinnedApp is a Pulse client of the test's own (there is no pacat flag
// for it) with one stream created with the don't-move flag: a playback
// (record false) that is started and never fed, so it stays listed,
// running and silent, or a recording, as application name with process
// binary "pinned-app". It speaks the protocol directly (jfreymuth/pulse's
// proto): the library's stream types keep their state unsynchronised
// between Close and their own goroutine. Closing its connection at
// cleanup ends the stream.
func (s *Server) PinnedApp(t testing.TB, name string, record bool) {
	t.Helper()
	conn, err := net.Dial("unix", strings.TrimPrefix(s.Address(), "unix:"))
	if err != nil {
		t.Fatalf("%s: dialling for a pinned app: %v", s, err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &proto.Client{Callback: func(any) {}}
	c.Open(conn)
	c.SetTimeout(readyWithin)
	var auth proto.AuthReply
	if err := c.Request(&proto.Auth{Version: c.Version(), Cookie: make([]byte, 256)}, &auth); err != nil {
		t.Fatalf("%s: auth: %v", s, err)
	}
	c.SetVersion(auth.Version)
	props := proto.PropList{
		"application.name":           proto.PropListString(name),
		"application.process.binary": proto.PropListString("pinned-app"),
		"application.process.id":     proto.PropListString(strconv.Itoa(os.Getpid())),
	}
	if err := c.Request(&proto.SetClientName{Props: props}, &proto.SetClientNameReply{}); err != nil {
		t.Fatalf("%s: client name: %v", s, err)
	}
	spec := proto.SampleSpec{Format: proto.FormatFloat32LE, Channels: 1, Rate: 48000}
	vol := proto.ChannelVolumes{uint32(proto.VolumeNorm)}
	if record {
		err = c.Request(&proto.CreateRecordStream{SampleSpec: spec, ChannelMap: proto.ChannelMap{proto.ChannelMono},
			SourceIndex: proto.Undefined, BufferMaxLength: proto.Undefined, BufferFragSize: proto.Undefined,
			DirectOnInputIndex: proto.Undefined, NoMove: true, AdjustLatency: true, Properties: maps.Clone(props),
			ChannelVolumes: vol}, &proto.CreateRecordStreamReply{})
	} else {
		err = c.Request(&proto.CreatePlaybackStream{SampleSpec: spec, ChannelMap: proto.ChannelMap{proto.ChannelMono},
			SinkIndex: proto.Undefined, BufferMaxLength: proto.Undefined, BufferTargetLength: proto.Undefined,
			BufferPrebufferLength: 0, BufferMinimumRequest: proto.Undefined, NoMove: true, AdjustLatency: true,
			Properties: maps.Clone(props), ChannelVolumes: vol}, &proto.CreatePlaybackStreamReply{})
	}
	if err != nil {
		t.Fatalf("%s: a pinned stream: %v", s, err)
	}
	WaitFor(t, readyWithin, "the server to list "+name+"'s pinned stream", func() bool {
		for _, st := range s.StreamsNow(t) {
			if st.App == name {
				return true
			}
		}
		return false
	})
}

// ListedStream is one stream as pactl lists it.
type ListedStream struct {
	Index  int
	Record bool
	App    string
	PID    int
	Device string // the sink's or source's name
}

// StreamsNow is every sink input and source output as pactl lists them
// now (its JSON format), with their devices' names.
func (s *Server) StreamsNow(t testing.TB) []ListedStream {
	t.Helper()
	type dev struct {
		Index int    `json:"index"`
		Name  string `json:"name"`
	}
	type stream struct {
		Index      int               `json:"index"`
		Sink       *int              `json:"sink"`
		Source     *int              `json:"source"`
		Properties map[string]string `json:"properties"`
	}
	var sinks, sources []dev
	var inputs, outputs []stream
	for _, q := range []struct {
		what string
		v    any
	}{{"sinks", &sinks}, {"sources", &sources}, {"sink-inputs", &inputs}, {"source-outputs", &outputs}} {
		out := s.Pactl("-f", "json", "list", q.what)
		if err := json.Unmarshal([]byte(out), q.v); err != nil {
			t.Fatalf("pactl list %s: %v: %q", q.what, err, out)
		}
	}
	names := func(ds []dev) map[int]string {
		m := map[int]string{}
		for _, d := range ds {
			m[d.Index] = d.Name
		}
		return m
	}
	sinkNames, sourceNames := names(sinks), names(sources)
	var out []ListedStream
	for _, list := range []struct {
		streams []stream
		record  bool
	}{{inputs, false}, {outputs, true}} {
		for _, st := range list.streams {
			l := ListedStream{Index: st.Index, Record: list.record, App: st.Properties["application.name"]}
			l.PID, _ = strconv.Atoi(st.Properties["application.process.id"])
			if st.Sink != nil {
				l.Device = sinkNames[*st.Sink]
			}
			if st.Source != nil {
				l.Device = sourceNames[*st.Source]
			}
			out = append(out, l)
		}
	}
	return out
}

// DeviceOf is the device the first stream of application name is on, as
// pactl lists it ("" when there is none).
func (s *Server) DeviceOf(t testing.TB, name string) string {
	t.Helper()
	for _, st := range s.StreamsNow(t) {
		if st.App == name {
			return st.Device
		}
	}
	return ""
}

// MoveApp moves every stream of application name onto device with pactl,
// as a person does in pavucontrol: the server remembers it as the
// stream's own choice, so it no longer follows the default. A stream
// PipeWire is still linking when the move comes can be linked to the
// default after it, so the move is made again each second until pactl
// lists it there.
func (s *Server) MoveApp(t testing.TB, name, device string) {
	t.Helper()
	move := func() bool {
		there := true
		for _, st := range s.StreamsNow(t) {
			if st.App != name || st.Device == device {
				continue
			}
			there = false
			what := "move-sink-input"
			if st.Record {
				what = "move-source-output"
			}
			s.pactl(what, strconv.Itoa(st.Index), device) // one that just ended fails: it is gone
		}
		return there
	}
	last := time.Time{}
	WaitFor(t, readyWithin, name+" on "+device, func() bool {
		if time.Since(last) < time.Second {
			for _, st := range s.StreamsNow(t) {
				if st.App == name && st.Device != device {
					return false
				}
			}
			return true
		}
		last = time.Now()
		return move()
	})
}
