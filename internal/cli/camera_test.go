package cli

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// The test machines have no camera: a fake one sends colour bars (white
// left half, blue right half) until its context ends, or fails as told.
type fakeCameras struct {
	openErr  error
	vanishAt int   // end with DEVICE_VANISHED after this many frames (0: never)
	warning  error // what Warning reports
	problems []devices.Problem
	gotID    string
	gotWant  devices.CaptureOptions
	closed   bool
}

func (f *fakeCameras) OpenCamera(ctx context.Context, id string, want devices.CaptureOptions) (cameraPreview, error) {
	f.gotID, f.gotWant = id, want
	if f.openErr != nil {
		return nil, f.openErr
	}
	if id == "" {
		id = "fake-cam"
	}
	p := &fakePreview{id: id, frames: make(chan *image.RGBA), stop: make(chan struct{}), done: make(chan struct{}), warning: f.warning, problems: f.problems}
	go p.run(ctx, f.vanishAt)
	return p, nil
}

func (f *fakeCameras) Close() error { f.closed = true; return nil }

type fakePreview struct {
	id       string
	frames   chan *image.RGBA
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	warning  error
	problems []devices.Problem
	mu       sync.Mutex
	n        uint64
	err      error
}

func (p *fakePreview) run(ctx context.Context, vanishAt int) {
	defer close(p.done)
	defer close(p.frames)
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			c := [4]byte{255, 255, 255, 255}
			if x >= 32 {
				c = [4]byte{0, 0, 255, 255}
			}
			copy(img.Pix[img.PixOffset(x, y):], c[:])
		}
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			p.setErr(ctx.Err())
			return
		case <-p.stop:
			return
		case <-tick.C:
		}
		select {
		case p.frames <- img:
			p.mu.Lock()
			p.n++
			n := p.n
			p.mu.Unlock()
			if vanishAt > 0 && n >= uint64(vanishAt) {
				p.setErr(&devices.Error{Code: devices.CodeDeviceVanished, Message: "Cam was unplugged"})
				return
			}
		case <-ctx.Done():
			p.setErr(ctx.Err())
			return
		case <-p.stop:
			return
		}
	}
}

func (p *fakePreview) setErr(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

func (p *fakePreview) Frames() <-chan *image.RGBA { return p.frames }
func (p *fakePreview) DeviceID() string           { return p.id }
func (p *fakePreview) Mode() devices.Mode {
	return devices.Mode{Format: "YUYV", Width: 64, Height: 48, FPS: 30}
}
func (p *fakePreview) Stats() devices.PreviewStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return devices.PreviewStats{Frames: p.n, FPS: 100}
}
func (p *fakePreview) Warning() error { return p.warning }
func (p *fakePreview) Problems() []devices.Problem {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.problems
}
func (p *fakePreview) Seen() devices.CameraSeen { return devices.CameraSeen{Frames: p.n} }
func (p *fakePreview) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
func (p *fakePreview) Close() error {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.done
	return nil
}

func withFakeCameras(t *testing.T, f *fakeCameras) {
	t.Helper()
	prev := openCameraManager
	openCameraManager = func(context.Context) (cameraManager, error) { return f, nil }
	t.Cleanup(func() { openCameraManager = prev })
}

func TestCheckCameraJSONAndSnapshot(t *testing.T) {
	f := &fakeCameras{}
	withFakeCameras(t, f)
	snap := filepath.Join(t.TempDir(), "snap.png")
	code, out, errOut := run("check", "camera", "--device", "cam-1", "--seconds", "1.5", "--size", "1280x720", "--snapshot", snap, "--json")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "cam-1", f.gotID)
	assert.Equal(t, devices.CaptureOptions{Width: 1280, Height: 720}, f.gotWant)
	assert.True(t, f.closed)

	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	assert.ElementsMatch(t, []string{"summary", "deviceId", "format", "width", "height", "fps", "frames", "dropped", "blackFrames", "problems", "seen"}, jsonKeys(last))
	assert.Equal(t, true, last["summary"])
	assert.Equal(t, "cam-1", last["deviceId"])
	assert.Equal(t, "YUYV", last["format"])
	assert.Greater(t, last["frames"].(float64), 0.0)
	for _, l := range lines[:len(lines)-1] { // the progress lines, one a second
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		assert.Contains(t, r, "at")
		assert.NotContains(t, r, "summary")
	}

	img := readPNG(t, snap)
	assert.Equal(t, image.Rect(0, 0, 64, 48), img.Bounds())
	r, g, b, _ := img.At(48, 10).RGBA()
	assert.Equal(t, [3]uint32{0, 0, 0xffff}, [3]uint32{r, g, b}, "the blue half")
}

func TestCheckCameraText(t *testing.T) {
	withFakeCameras(t, &fakeCameras{})
	code, out, errOut := run("check", "camera", "--seconds", "0.3")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "fake-cam: 64x48 YUYV 30 fps")
	assert.Contains(t, out, "summary: 64x48 YUYV 30 fps")
}

func TestCheckCameraFailuresExit1WithTheCode(t *testing.T) {
	busy := &devices.Error{Code: devices.CodeDeviceBusy, Message: "Cam is in use by another application", Details: "close the other application"}
	denied := &devices.Error{Code: devices.CodeDeviceAccessDenied, Message: "MediaDesk may not open Cam", Details: "add yourself to the video group"}
	noPicture := &devices.Error{Code: devices.CodeCameraNoPicture, Message: "the camera sends no picture — is its shutter closed?"}
	for _, c := range []struct {
		name string
		f    *fakeCameras
		want []string
	}{
		{"busy", &fakeCameras{openErr: busy}, []string{"DEVICE_BUSY", "in use by another application"}},
		{"denied", &fakeCameras{openErr: denied}, []string{"DEVICE_ACCESS_DENIED", "video group"}},
		{"vanished", &fakeCameras{vanishAt: 3}, []string{"DEVICE_VANISHED", "unplugged"}},
		{"no picture", &fakeCameras{warning: noPicture}, []string{"CAMERA_NO_PICTURE", "shutter"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			withFakeCameras(t, c.f)
			code, _, errOut := run("check", "camera", "--seconds", "0.5")
			assert.Equal(t, ExitRuntime, code)
			for _, w := range c.want {
				assert.Contains(t, errOut, w)
			}
		})
	}
}

func TestCheckCameraUsage(t *testing.T) {
	withFakeCameras(t, &fakeCameras{})
	code, _, errOut := run("check", "camera", "--size", "big")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "WIDTHxHEIGHT")
	code, out, _ := run("check", "camera", "--help")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, out, "--snapshot")
	code, out, _ = run("check", "--help")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, out, "check camera")
}

func jsonKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Through the real device manager and preview loop, on the synthetic
// test-pattern camera (no camera exists on the test machines).
func TestCheckCameraTestPattern(t *testing.T) {
	t.Setenv("MEDIADESK_TEST_CAMERA", "1")
	snap := filepath.Join(t.TempDir(), "bars.png")
	code, out, errOut := run("check", "camera", "--device", devices.TestPatternID, "--seconds", "1", "--size", "320x240", "--snapshot", snap, "--json")
	require.Equal(t, ExitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	assert.Equal(t, devices.TestPatternID, last["deviceId"])
	assert.Equal(t, "YUYV", last["format"])
	assert.Equal(t, 320.0, last["width"])
	assert.Greater(t, last["frames"].(float64), 0.0)
	assert.Zero(t, last["blackFrames"])

	assert.Equal(t, image.Rect(0, 0, 320, 240), readPNG(t, snap).Bounds())

	code, _, errOut = run("check", "camera", "--device", "no-such-camera", "--seconds", "1")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_DEVICE")
}

// readPNG decodes the PNG file at path (a --snapshot).
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	img, err := png.Decode(file)
	require.NoError(t, err)
	return img
}

// The camera verdict counts in check camera: its problems in the JSON and
// in words, and the check fails (exit 1).
func TestCheckCameraVerdict(t *testing.T) {
	dark := devices.Problem{Code: devices.ProblemCameraTooDark, Kind: devices.VideoInput, DeviceID: "cam-1",
		Message: "Cam's picture is too dark: the others will hardly see your face.", Fix: "Turn on a light in front of you"}
	withFakeCameras(t, &fakeCameras{problems: []devices.Problem{dark}})
	code, out, errOut := run("check", "camera", "--device", "cam-1", "--seconds", "1.2", "--json")
	assert.Equal(t, ExitRuntime, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last struct {
		Summary  bool              `json:"summary"`
		Problems []devices.Problem `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	assert.True(t, last.Summary)
	assert.Equal(t, []devices.Problem{dark}, last.Problems)

	code, out, errOut = run("check", "camera", "--device", "cam-1", "--seconds", "1.2")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, out, "CAMERA_TOO_DARK: Cam's picture is too dark: the others will hardly see your face. Turn on a light in front of you.")
	assert.Contains(t, errOut, "CAMERA_TOO_DARK")

	withFakeCameras(t, &fakeCameras{})
	code, out, _ = run("check", "camera", "--device", "cam-1", "--seconds", "1.2", "--json")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, out, `"problems":[]`)
}
