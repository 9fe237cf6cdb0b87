package cli

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"time"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/printable"
)

// cameraPreview is what `check camera` needs of a *devices.Preview.
type cameraPreview interface {
	devices.PreviewSource
	DeviceID() string
}

// cameraManager is what `check camera` needs of a *devices.Manager.
type cameraManager interface {
	OpenCamera(ctx context.Context, id string, want devices.CaptureOptions) (cameraPreview, error)
	Close() error
}

// openCameraManager opens the device manager; tests replace it with a
// fake camera (the test machines have none). MEDIADESK_TEST_CAMERA=1 adds
// the synthetic test pattern (--device mediadesk:test-pattern).
var openCameraManager = func(ctx context.Context) (cameraManager, error) {
	m, err := devices.New(ctx, devices.Options{TestPattern: devices.TestPatternFromEnv()})
	if err != nil {
		return nil, err
	}
	return managerCameras{m}, nil
}

type managerCameras struct{ *devices.Manager }

func (m managerCameras) OpenCamera(ctx context.Context, id string, want devices.CaptureOptions) (cameraPreview, error) {
	p, err := m.Manager.OpenCamera(ctx, id, want)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// cameraReport is one --json line: a progress object each second, and the
// summary last.
type cameraReport struct {
	Summary  bool   `json:"summary,omitempty"`
	At       string `json:"at,omitempty"`
	DeviceID string `json:"deviceId"`
	Format   string `json:"format"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	// FPS is measured; the mode's nominal rate is in the text output.
	FPS         float64        `json:"fps"`
	Frames      uint64         `json:"frames"`
	Dropped     uint64         `json:"dropped"`
	BlackFrames uint64         `json:"blackFrames"`
	Warning     *devices.Error `json:"warning,omitempty"`
	// Problems is the camera verdict (README, "Camera preview"); Seen what
	// it saw in the last frame.
	Problems []devices.Problem  `json:"problems"`
	Seen     devices.CameraSeen `json:"seen"`
	mode     devices.Mode
}

func checkCamera(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "check camera", "[--device ID] [--seconds S] [--size WxH] [--snapshot FILE.png] [--json]")
	id := fs.String("device", "", "the camera's deviceId (empty: the current camera)")
	secs := fs.Float64("seconds", 5, "how long to stream (0: until interrupted)")
	sizeFlag := fs.String("size", "", "the wanted size, e.g. 1280x720 (the closest the camera offers is used)")
	snapshot := fs.String("snapshot", "", "write the last frame to this PNG file")
	asJSON := fs.Bool("json", false, `one object a second, then {"summary":true,"deviceId","format","width","height","fps","frames","dropped","blackFrames","problems","seen"}`)
	if code, done := parse(fs, env, args); done {
		return code
	}
	var want devices.CaptureOptions
	if *sizeFlag != "" {
		w, h, ok := devices.ParseSize(*sizeFlag)
		if !ok {
			fmt.Fprintf(env.Stderr, "mediadesk check camera: --size %q is not WIDTHxHEIGHT\n", *sizeFlag)
			return ExitUsage
		}
		want.Width, want.Height = w, h
	}

	m, err := openCameraManager(ctx)
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if *secs > 0 {
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(*secs*float64(time.Second)))
	}
	defer cancel()
	p, err := m.OpenCamera(runCtx, *id, want)
	if err != nil {
		return fail(env, err)
	}
	defer p.Close()

	out := newLineWriter(env)
	report := func(summary bool) cameraReport {
		mode, st := p.Mode(), p.Stats()
		r := cameraReport{Summary: summary, DeviceID: p.DeviceID(), Format: mode.Format, Width: mode.Width, Height: mode.Height,
			FPS: float64(int(st.FPS*10+0.5)) / 10, Frames: st.Frames, Dropped: st.Dropped, BlackFrames: st.BlackFrames, mode: mode}
		if !summary {
			r.At = time.Now().UTC().Format(time.RFC3339Nano)
		}
		if w, ok := p.Warning().(*devices.Error); ok {
			r.Warning = w
		}
		r.Problems, r.Seen = p.Problems(), p.Seen()
		if r.Problems == nil {
			r.Problems = []devices.Problem{}
		}
		return r
	}
	if !*asJSON {
		out.line("%s: %s", p.DeviceID(), p.Mode())
	}
	var snap *image.RGBA
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastWarning := ""
	shown := map[string]bool{}
loop:
	for {
		select {
		case img, ok := <-p.Frames():
			if !ok {
				break loop
			}
			if *snapshot != "" {
				if snap == nil || snap.Rect != img.Rect {
					snap = image.NewRGBA(img.Rect)
				}
				copy(snap.Pix, img.Pix)
			}
		case <-tick.C:
			r := report(false)
			if *asJSON {
				out.json(r)
				continue
			}
			out.line("%6d frames  %5.1f fps  %d dropped  %d black", r.Frames, r.FPS, r.Dropped, r.BlackFrames)
			for _, pr := range r.Problems {
				if !shown[pr.Code] {
					shown[pr.Code] = true
					fmt.Fprintf(env.Stderr, "mediadesk: %s: %s\n", pr.Code, printable.String(pr.Sentence()))
				}
			}
			if r.Warning != nil && r.Warning.Message != lastWarning {
				lastWarning = r.Warning.Message
				fmt.Fprintf(env.Stderr, "mediadesk: warning: %v\n", r.Warning)
			}
		}
	}
	if err := p.Err(); err != nil && runCtx.Err() == nil {
		return fail(env, err)
	}
	r := report(true)
	if *asJSON {
		out.json(r)
	} else {
		black := 0.0
		if r.Frames > 0 {
			black = 100 * float64(r.BlackFrames) / float64(r.Frames)
		}
		out.line("summary: %s, %d frames, %.1f fps measured, %d dropped, %.0f%% black", r.mode, r.Frames, r.FPS, r.Dropped, black)
	}
	if *snapshot != "" {
		if snap == nil {
			fmt.Fprintf(env.Stderr, "mediadesk: no frame came, so %s was not written\n", *snapshot)
		} else if err := writePNG(*snapshot, snap); err != nil {
			return fail(env, err)
		}
	}
	if w := p.Warning(); w != nil {
		return fail(env, w) // no picture: the check failed, in words
	}
	if len(r.Problems) > 0 {
		if !*asJSON {
			for _, pr := range r.Problems {
				out.line("%s: %s", pr.Code, printable.String(pr.Sentence()))
			}
		}
		return ExitRuntime // the verdict found something: the check failed
	}
	return ExitOK
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
