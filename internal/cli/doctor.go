package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
)

// Doctor problem codes beyond the devices package's.
const (
	problemSoundServer    = devices.CodeSoundServerUnavailable
	problemHistoryDamaged = "HISTORY_DAMAGED"
	problemCameraBusy     = "CAMERA_BUSY"
	problemCameraDenied   = "CAMERA_DENIED"
	problemCameraNoPic    = devices.CodeCameraNoPicture
	problemCameraFailed   = "CAMERA_FAILED"
)

// cameraNoPicture and cameraLook: doctor watches the chosen camera long
// enough for a first frame and for the no-picture warning to be decided.
const (
	cameraNoPicture = 2 * time.Second
	cameraLook      = cameraNoPicture + 500*time.Millisecond
)

// doctorReport is `doctor --json`; README documents the schema.
type doctorReport struct {
	Ready       bool              `json:"ready"`
	SoundServer soundServer       `json:"soundServer"`
	Devices     devicesDoc        `json:"devices"`
	Problems    []devices.Problem `json:"problems"`
	Fixed       []devices.Problem `json:"fixed"`
	Notes       []string          `json:"notes"`
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
	fs := newFlags(env, "doctor", "[--json] [--fix] [--listen S] [--no-camera]")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	fix := fs.Bool("fix", false, "fix what can be fixed (unmute, raise a volume, switch a headset's profile) before reporting")
	listen := fs.Float64("listen", 3, "seconds to listen to the chosen microphone (0: skip)")
	noCamera := fs.Bool("no-camera", false, "do not open the chosen camera")
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
	rep := doctorReport{Fixed: []devices.Problem{}, Notes: []string{}}
	if *fix {
		for _, p := range m.Problems() {
			if err := m.Fix(ctx, p); err == nil {
				rep.Fixed = append(rep.Fixed, p)
			}
		}
	}
	rep.SoundServer = soundServer{Backend: m.AudioBackend(), Server: m.SoundServer(ctx)}
	rep.SoundServer.Available = rep.SoundServer.Server != "" || (rep.SoundServer.Backend != "" && rep.SoundServer.Backend != "alsa")
	rep.Devices = document(m, m.Devices())
	rep.Problems = append(rep.Problems, m.Problems()...)
	if err := m.Err(); errors.Is(err, devices.ErrSoundServerUnavailable) || errors.Is(err, devices.ErrAudioUnavailable) {
		rep.Problems = append(rep.Problems, devices.Problem{Code: problemSoundServer, Kind: devices.AudioInput,
			Message: "No sound server answers, so microphones and speakers cannot be used for a call.",
			Fix:     "Start PulseAudio or PipeWire (pipewire-pulse), then run doctor again"})
	}
	// The camera is looked at while the microphone is listened to, so the
	// report takes the longer of the two, not their sum.
	camDone := make(chan *devices.Problem, 1)
	hasCamera := len(rep.Devices.VideoInputDevices) > 0 && !*noCamera
	if hasCamera {
		go func() { camDone <- cameraProblem(ctx, m) }()
	}
	if *listen > 0 {
		rep.Problems = append(rep.Problems, listenProblems(ctx, m, time.Duration(*listen*float64(time.Second)))...)
	}
	switch {
	case len(rep.Devices.VideoInputDevices) == 0:
		rep.Notes = append(rep.Notes, "No camera: audio-only calls are fine.")
	case hasCamera:
		if p := <-camDone; p != nil {
			rep.Problems = append(rep.Problems, *p)
		} else {
			rep.Notes = append(rep.Notes, "The camera sends a picture.")
		}
	}
	if p, note := historyCheck(ctx, *db); p != nil {
		rep.Problems = append(rep.Problems, *p)
	} else if note != "" {
		rep.Notes = append(rep.Notes, note)
	}
	rep.Problems = nonNil(rep.Problems)
	rep.Ready = len(rep.Problems) == 0
	if *asJSON {
		out := &lineWriter{w: env.Stdout}
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
// warnings at the end.
func listenProblems(ctx context.Context, m *devices.Manager, d time.Duration) []devices.Problem {
	mic, ok := m.CurrentAudioInputDevice()
	if !ok {
		return nil
	}
	st, _ := m.State(devices.AudioInput, mic.DeviceID)
	lctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	mt, err := m.OpenMeter(lctx, mic.DeviceID)
	if err != nil {
		var de *devices.Error
		if errors.As(err, &de) {
			return []devices.Problem{{Code: de.Code, Kind: devices.AudioInput, DeviceID: mic.DeviceID, Message: de.Message, Fix: de.Details}}
		}
		return nil
	}
	defer mt.Close()
	check := devices.NewSignalCheck(mic.DeviceID, mic.Label, st.Muted)
	var ps []devices.Problem
	for r := range mt.Readings() {
		ps = check.Add(r)
	}
	return ps
}

// cameraProblem opens the chosen camera briefly: busy, denied and no
// picture are what people meet.
func cameraProblem(ctx context.Context, m *devices.Manager) *devices.Problem {
	cam, ok := m.CurrentVideoInputDevice()
	if !ok {
		return nil
	}
	prob := func(code, msg, fix string) *devices.Problem {
		return &devices.Problem{Code: code, Kind: devices.VideoInput, DeviceID: cam.DeviceID, Message: msg, Fix: fix}
	}
	cctx, cancel := context.WithTimeout(ctx, cameraLook)
	defer cancel()
	pv, err := m.OpenCamera(cctx, cam.DeviceID, devices.CaptureOptions{Width: 640, Height: 480, NoPictureAfter: cameraNoPicture})
	switch {
	case errors.Is(err, devices.ErrDeviceBusy):
		return prob(problemCameraBusy, fmt.Sprintf("%s is in use by another application.", cam.Label), "Close the other application (a browser tab, a call app) and run doctor again")
	case errors.Is(err, devices.ErrDeviceAccessDenied):
		return prob(problemCameraDenied, fmt.Sprintf("The system denies MediaDesk the camera %s.", cam.Label), "Allow camera access (Linux: add yourself to the video group; Windows and macOS: the privacy settings)")
	case err != nil:
		return prob(problemCameraFailed, fmt.Sprintf("%s could not be opened: %v.", cam.Label, err), "Plug it in again, or pick another camera")
	}
	defer pv.Close()
	frames := 0
look:
	for {
		select {
		case _, ok := <-pv.Frames():
			if !ok {
				if err := pv.Err(); err != nil {
					return prob(problemCameraFailed, fmt.Sprintf("%s stopped: %v.", cam.Label, err), "Plug it in again, or pick another camera")
				}
				break look
			}
			frames++
		case <-cctx.Done():
			break look
		}
	}
	if frames == 0 || pv.Warning() != nil {
		return prob(problemCameraNoPic, fmt.Sprintf("%s sends no picture.", cam.Label), "Is its shutter closed, or its cover on?")
	}
	return nil
}

// historyCheck opens the call history if there is one: a damaged file is a
// problem, no file yet is a note (a new user has no history).
func historyCheck(ctx context.Context, path string) (*devices.Problem, string) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, "No call history yet."
	}
	st, err := calls.OpenStore(ctx, path)
	if err != nil {
		return &devices.Problem{Code: problemHistoryDamaged, Message: fmt.Sprintf("The call history (%s) cannot be read: %v.", path, err),
			Fix: "Move the file aside and sync again (mediadesk calls sync)"}, ""
	}
	defer st.Close()
	n, err := st.Count(ctx, calls.Filter{})
	if err != nil {
		return &devices.Problem{Code: problemHistoryDamaged, Message: fmt.Sprintf("The call history (%s) cannot be read: %v.", path, err),
			Fix: "Move the file aside and sync again (mediadesk calls sync)"}, ""
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
		var list []withState
		switch k {
		case devices.AudioInput:
			list = rep.Devices.AudioInputDevices
		case devices.AudioOutput:
			list = rep.Devices.AudioOutputDevices
		default:
			list = rep.Devices.VideoInputDevices
		}
		chosen := "none"
		for _, d := range list {
			if d.Active {
				chosen = d.Label
			}
		}
		fmt.Fprintf(w, "%-12s %d found, using %s\n", k+":", len(list), chosen)
	}
	for _, p := range rep.Fixed {
		fmt.Fprintf(w, "fixed %s: %s\n", p.Code, p.Message)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(w, problemLine(p))
	}
	if rep.Ready {
		fmt.Fprintln(w, "Ready for a call.")
	} else {
		fmt.Fprintf(w, "Not ready: %d thing(s) to fix.\n", len(rep.Problems))
	}
}
