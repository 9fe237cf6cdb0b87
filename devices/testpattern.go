package devices

import (
	"context"
	"os"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// TestPatternID is the deviceId of the synthetic camera that
// Options.TestPattern adds: moving colour bars in YUYV or NV12 at the rate
// asked for, through the same preview loop as a real camera (as Chromium's
// --use-fake-device-for-media-stream). For demos, screenshots and
// measuring the preview where no camera exists.
const TestPatternID = "mediadesk:test-pattern"

// TestPatternFromEnv is whether MEDIADESK_TEST_CAMERA=1 asks the app and
// the CLI (devices, watch, doctor, check camera) for the test pattern: the
// value for Options.TestPattern.
func TestPatternFromEnv() bool { return os.Getenv("MEDIADESK_TEST_CAMERA") == "1" }

var testPatternFormats = []camera.Format{
	{FourCC: "YUYV", Description: "YUYV 4:2:2", Sizes: []camera.FrameSize{{Width: 1280, Height: 720}, {Width: 640, Height: 480}, {Width: 320, Height: 240}}},
	{FourCC: "NV12", Description: "Y/CbCr 4:2:0", Sizes: []camera.FrameSize{{Width: 1280, Height: 720}, {Width: 640, Height: 480}}},
}

func testPatternCamera() Camera {
	c := cameraFrom(camera.Found{ID: TestPatternID, Label: "MediaDesk test pattern", Node: TestPatternID, Driver: "mediadesk", Formats: testPatternFormats})
	return c
}

// withTestPattern lists the test pattern after the probe's cameras.
type withTestPattern struct{ cameraProbe }

func (p withTestPattern) Cameras(ctx context.Context) ([]Camera, error) {
	cams, err := p.cameraProbe.Cameras(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return append(cams, testPatternCamera()), err
}

// openTestPatternOr opens the test pattern for its id, else a real camera.
func openTestPatternOr(real captureOpener) captureOpener {
	return func(ctx context.Context, cam Camera, want camera.Want) (frameSource, error) {
		if cam.DeviceID != TestPatternID {
			return real(ctx, cam, want)
		}
		return newTestPattern(want)
	}
}

// testPattern sends one frame of bars, shifted a little each time (a
// rotation of each row: as cheap as a copy, so it does not weigh on what
// a measurement of the preview sees), at the mode's rate.
type testPattern struct {
	mode       camera.Mode
	base, buf  []byte
	rowBytes   int
	step, next int
	interval   time.Duration
	due        time.Time
}

func newTestPattern(want camera.Want) (frameSource, error) {
	m, ok := camera.Choose(testPatternFormats, want, camera.Supported)
	if !ok {
		return nil, newError(CodeDeviceOpenFailed, "the test pattern has no such format", "ask for YUYV or NV12")
	}
	m.FPS = want.Defaults().FPS
	n := camera.FrameBytes(m.FourCC, m.Width, m.Height, 0)
	p := &testPattern{mode: m, base: make([]byte, n), buf: make([]byte, n), interval: time.Duration(float64(time.Second) / m.FPS)}
	camera.FillBars(p.base, m.FourCC, m.Width, m.Height, 0, 0)
	p.rowBytes, p.step = m.Width*2, 8 // YUYV: 4 pixels a frame
	if m.FourCC == "NV12" {
		p.rowBytes, p.step = m.Width, 4 // and its U,V rows by the same 4 pixels
	}
	p.due = time.Now()
	return p, nil
}

func (p *testPattern) Mode() camera.Mode { return p.mode }

func (p *testPattern) Next(timeout time.Duration, use func([]byte)) (bool, int, error) {
	wait := time.Until(p.due)
	if wait > timeout {
		time.Sleep(timeout)
		return false, 0, nil
	}
	if wait > 0 {
		time.Sleep(wait)
	}
	p.due = p.due.Add(p.interval)
	if behind := time.Since(p.due); behind > time.Second {
		p.due = time.Now() // a stalled reader: start the rate again, no burst
	}
	k := (p.rowBytes - p.next%p.rowBytes) % p.rowBytes
	for off := 0; off+p.rowBytes <= len(p.base); off += p.rowBytes {
		row, dst := p.base[off:off+p.rowBytes], p.buf[off:off+p.rowBytes]
		copy(dst, row[k:])
		copy(dst[p.rowBytes-k:], row[:k])
	}
	if !applyTestPatternLook(p.mode.FourCC, p.mode.Width, p.mode.Height, p.buf) {
		p.next += p.step
	}
	use(p.buf)
	return true, 0, nil
}

func (p *testPattern) Close() error { return nil }
