package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/buildinfo"
	"github.com/mediadesk/mediadesk/network"
)

// cameraNoPicture and cameraLook: doctor watches the chosen camera long
// enough for a first frame and for the no-picture warning to be decided,
// and, while it listens, as long as the listen and 0.4 s more (so doctor
// with a camera takes the listen plus under 0.5 s): time for the camera
// verdict's slower warnings (CAMERA_FROZEN and CAMERA_LOW_FPS show 2.5 s
// after the frames start).
const (
	cameraNoPicture = 2 * time.Second
	cameraLook      = cameraNoPicture + 500*time.Millisecond
)

// doctorReport is `doctor --json`; README documents the schema.
type doctorReport struct {
	Ready       bool              `json:"ready"`
	SoundServer soundServer       `json:"soundServer"`
	Devices     devicesDoc        `json:"devices"`
	Problems    []problemDoc      `json:"problems"`
	Fixed       []devices.Problem `json:"fixed"`
	Notes       []string          `json:"notes"`
	Build       buildinfo.Info    `json:"build"`             // which MediaDesk wrote it (mediadesk version)
	Network     *network.Report   `json:"network,omitempty"` // absent with --no-network
	// Heard is what the listen heard on the chosen microphone; null when
	// doctor did not listen (--listen 0, no microphone).
	Heard *heardDoc `json:"heard"`
}

// heardDoc is the microphone verdict's measurements, for the microphone
// listened to.
type heardDoc struct {
	DeviceID string `json:"deviceId"`
	Label    string `json:"label"`
	devices.Heard
}

// problemDoc is a problem in doctor's report, with the command that fixes
// it when MediaDesk can.
type problemDoc struct {
	devices.Problem
	Command string `json:"command,omitempty"`
}

type soundServer struct {
	Available bool   `json:"available"`
	Backend   string `json:"backend"` // pulseaudio, alsa, wasapi, coreaudio; "" when none
	Server    string `json:"server"`  // as the server names itself; "" without one
}

// runDoctor answers "is this machine ready for a call?" in one report:
// the sound server, each kind's devices, the OS-state problems, a short
// listen on the chosen microphone, and the call history. Exit 0 when
// ready, 1 when something needs fixing (--fix fixes what it can first).
func runDoctor(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "doctor", "[--json] [--fix] [--listen S] [--no-camera] [--no-network]")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	fix := fs.Bool("fix", false, "fix what can be fixed (unmute, raise a volume, switch a headset's profile) before reporting")
	listen := fs.Float64("listen", devices.SignalSpan.Seconds(), "seconds to listen to the chosen microphone (0: skip); the verdict judges the last "+devices.SignalSpan.String())
	noCamera := fs.Bool("no-camera", false, "do not open the chosen camera")
	noNetwork := fs.Bool("no-network", false, "do not check the network (see `mediadesk net`)")
	db := dbFlag(fs)
	if code, done := parse(fs, env, args); done {
		return code
	}
	if *listen < 0 || *listen > 60 {
		fmt.Fprintf(env.Stderr, "mediadesk doctor: --listen %v is not between 0 and 60\n", *listen)
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{TestPattern: devices.TestPatternFromEnv()})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	rep := doctorReport{Fixed: []devices.Problem{}, Notes: []string{}, Build: buildinfo.Read()}
	if *fix {
		for _, p := range m.Problems() {
			if !p.Fixable() || p.Code == devices.ProblemMicOffInStereoEndpoint {
				// The Stereo endpoint's fix selects devices, and a
				// selection ends with this process: it is the window's
				// (and the call app's).
				continue
			}
			if err := m.Fix(ctx, p); err == nil {
				rep.Fixed = append(rep.Fixed, p)
			}
		}
	}
	rep.SoundServer = soundServer{Backend: m.AudioBackend(), Server: m.SoundServer(ctx)}
	rep.SoundServer.Available = rep.SoundServer.Server != "" || (rep.SoundServer.Backend != "" && rep.SoundServer.Backend != "alsa")
	lists := m.Devices()
	rep.Devices = document(m, lists)
	problems := slices.Clone(rep.Devices.Problems)
	if p, ok := devices.SoundServerProblem(m.Err()); ok {
		problems = append(problems, p)
	} else {
		problems = append(problems, devices.MissingProblems(lists)...)
	}
	// The camera is looked at while the microphone is listened to, so the
	// report takes the longer of the two, not their sum.
	type cameraLookResult struct {
		problems []devices.Problem
		picture  bool
	}
	camDone := make(chan cameraLookResult, 1)
	hasCamera := len(rep.Devices.VideoInputDevices) > 0 && !*noCamera
	if hasCamera {
		look := max(cameraLook, time.Duration(*listen*float64(time.Second))+400*time.Millisecond)
		go func() {
			ps, picture := cameraProblems(ctx, m, look)
			camDone <- cameraLookResult{ps, picture}
		}()
	}
	netDone := make(chan func(), 1)
	if !*noNetwork {
		go func() {
			r, ps, note, warn := doctorNetwork(ctx)
			netDone <- func() {
				rep.Network, problems, rep.Notes = r, append(problems, ps...), append(rep.Notes, note)
				if warn != "" {
					fmt.Fprintf(env.Stderr, "mediadesk doctor: %s\n", warn)
				}
			}
		}()
	}
	if *listen > 0 {
		ps, heard := listenProblems(ctx, m, time.Duration(*listen*float64(time.Second)))
		problems = append(problems, ps...)
		rep.Heard = heard
	}
	switch {
	case len(rep.Devices.VideoInputDevices) == 0:
		rep.Notes = append(rep.Notes, "No camera: audio-only calls are fine.")
	case hasCamera:
		r := <-camDone
		problems = append(problems, r.problems...)
		if r.picture {
			rep.Notes = append(rep.Notes, "The camera sends a picture.")
		}
	}
	if !*noNetwork {
		(<-netDone)()
	}
	if p, note := historyCheck(ctx, *db); p != nil {
		problems = append(problems, *p)
	} else if note != "" {
		rep.Notes = append(rep.Notes, note)
	}
	rep.Problems = []problemDoc{}
	for _, p := range problems {
		rep.Problems = append(rep.Problems, problemDoc{Problem: p, Command: fixCommand(p)})
	}
	rep.Ready = len(rep.Problems) == 0
	if *asJSON {
		out := newLineWriter(env)
		out.json(rep)
	} else {
		printDoctor(env, rep)
	}
	if !rep.Ready {
		return ExitRuntime
	}
	return ExitOK
}

// listenProblems meters the chosen microphone for d and returns the signal
// warnings at the end, and what was heard (nil when nothing was).
func listenProblems(ctx context.Context, m *devices.Manager, d time.Duration) ([]devices.Problem, *heardDoc) {
	mic, ok := m.CurrentAudioInputDevice()
	if !ok {
		return nil, nil
	}
	lctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	mt, err := m.OpenMeter(lctx, mic.DeviceID)
	if err != nil {
		var de *devices.Error
		if errors.As(err, &de) {
			return []devices.Problem{{Code: de.Code, Kind: devices.AudioInput, DeviceID: mic.DeviceID, Message: de.Message, Fix: de.Details}}, nil
		}
		return nil, nil
	}
	defer mt.Close()
	check := m.SignalCheck(mic.DeviceID, mic.Label)
	n := 0
	for r := range mt.Readings() {
		check.Add(r)
		n++
	}
	if n == 0 {
		return nil, nil
	}
	return slices.Clone(check.Problems()), &heardDoc{DeviceID: mic.DeviceID, Label: mic.Label, Heard: check.Heard()}
}

// cameraProblems opens the chosen camera for look: busy, denied and no
// picture are what people meet; else the camera verdict on its frames
// (black, dark, overexposed, frozen, slow), and picture is true.
func cameraProblems(ctx context.Context, m *devices.Manager, look time.Duration) (_ []devices.Problem, picture bool) {
	cam, ok := m.CurrentVideoInputDevice()
	if !ok {
		return nil, false
	}
	prob := func(err error) ([]devices.Problem, bool) {
		return []devices.Problem{devices.CameraProblem(cam, err)}, false
	}
	cctx, cancel := context.WithTimeout(ctx, look)
	defer cancel()
	// No size asked for (the zero value's 640x480 or the closest): a
	// camera without 640x480 is not wrong for that.
	pv, err := m.OpenCamera(cctx, cam.DeviceID, devices.CaptureOptions{NoPictureAfter: cameraNoPicture})
	if err != nil {
		return prob(err)
	}
	defer pv.Close()
	frames := 0
look:
	for {
		select {
		case _, ok := <-pv.Frames():
			if !ok {
				if err := pv.Err(); err != nil {
					return prob(err)
				}
				break look
			}
			frames++
		case <-cctx.Done():
			break look
		}
	}
	if frames == 0 {
		return prob(devices.ErrCameraNoPicture)
	}
	// The verdict first: CAMERA_BLACK says more than the no-picture
	// warning's "only black frames" about the same frames.
	if ps := pv.Problems(); len(ps) > 0 {
		return ps, true
	}
	if w := pv.Warning(); w != nil {
		return prob(w)
	}
	return nil, true
}

// historyCheck opens the call history if there is one: a damaged file is a
// problem, no file yet is a note (a new user has no history).
func historyCheck(ctx context.Context, path string) (*devices.Problem, string) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, "No call history yet."
	}
	st, err := calls.OpenStore(ctx, path)
	if err != nil {
		p := devices.HistoryProblem(path, err)
		return &p, ""
	}
	defer st.Close()
	n, err := st.Count(ctx, calls.Filter{})
	if err != nil {
		p := devices.HistoryProblem(path, err)
		return &p, ""
	}
	return nil, fmt.Sprintf("Call history: %d calls.", n)
}

func printDoctor(env Env, rep doctorReport) {
	w := env.Stdout
	switch {
	case rep.SoundServer.Server != "":
		fmt.Fprintf(w, "Sound server: %s\n", rep.SoundServer.Server)
	case rep.SoundServer.Backend != "":
		fmt.Fprintf(w, "Audio: %s (no sound server)\n", rep.SoundServer.Backend)
	default:
		fmt.Fprintln(w, "Audio: none")
	}
	for _, k := range devices.Kinds {
		list := rep.Devices.Of(k)
		chosen := "none"
		for _, d := range list {
			if d.Active {
				chosen = d.Label
			}
		}
		fmt.Fprintf(w, "%-12s %d found, using %s\n", k+":", len(list), chosen)
	}
	for _, p := range rep.Fixed {
		fmt.Fprintf(w, "fixed %s (it was: %s)\n", p.Code, p.Message)
	}
	if rep.Heard != nil {
		fmt.Fprintln(w, heardLine(rep.Heard.Label, rep.Heard.Heard))
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(w, problemLine(p.Problem))
	}
	if rep.Ready {
		fmt.Fprintln(w, "Ready for a call.")
	} else {
		fmt.Fprintf(w, "Not ready: %s to fix.\n", plural(len(rep.Problems), "thing", "things"))
	}
}
