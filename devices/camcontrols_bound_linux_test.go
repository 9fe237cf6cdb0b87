package devices

import (
	"context"
	"image"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
	"github.com/mediadesk/mediadesk/internal/testwait"
)

// stuckControls is a camera that stops answering about its controls: list
// and set block until release is closed, ignoring ctx (as a driver call
// does) unless honourCtx. entered is closed at the first call; ctxErr is
// what ctx said when a call returned on it.
type stuckControls struct {
	ctrls     []CameraControl
	honourCtx bool
	entered   chan struct{}
	enterOnce sync.Once
	release   chan struct{}
	calls     atomic.Int32
	mu        sync.Mutex
	ctxErr    error
}

func newStuckControls(honourCtx bool, ctrls ...CameraControl) *stuckControls {
	return &stuckControls{ctrls: ctrls, honourCtx: honourCtx, entered: make(chan struct{}), release: make(chan struct{})}
}

func (s *stuckControls) wait(ctx context.Context) error {
	s.calls.Add(1)
	s.enterOnce.Do(func() { close(s.entered) })
	if !s.honourCtx {
		<-s.release
		return nil
	}
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		s.ctxErr = ctx.Err()
		s.mu.Unlock()
		return ctx.Err()
	}
}

func (s *stuckControls) list(ctx context.Context, _ Camera) ([]CameraControl, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(s.ctrls), nil
}

func (s *stuckControls) set(ctx context.Context, _ Camera, _ CameraControl, _ int64) error {
	return s.wait(ctx)
}

// closeReturns runs m.Close and waits for it to return while the
// controls stay stuck. The bound only ends a hang (a Close waiting for
// the stuck camera) as a failure rather than a test timeout; a Close
// that works returns at once.
func closeReturns(t *testing.T, m *Manager) {
	t.Helper()
	closed := make(chan struct{})
	go func() {
		m.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Manager.Close waited for a camera that does not answer")
	}
}

// Manager.Close while the saved settings are being applied to a camera
// that does not answer: it cancels the applying (a backend that returns
// on its ctx sees the cancel, not the 5 s timeout), and it does not wait
// for one stuck in a driver call.
func TestCloseWithStuckCameraControls(t *testing.T) {
	for _, honour := range []bool{true, false} {
		name := map[bool]string{true: "returns on ctx", false: "stuck in the driver"}[honour]
		t.Run(name, func(t *testing.T) {
			cam := fakeCamera("/dev/v4l/by-id/usb-Cam-video-index0", "/dev/video0", yuyvAndNV12...)
			path := t.TempDir() + "/camera-settings.json"
			require.NoError(t, os.WriteFile(path, []byte(`{"cameras":{"/dev/v4l/by-id/usb-Cam-video-index0":{"label":"Cam","controls":[
				{"name":"brightness","value":-30}]}}}`), 0o600))
			stuck := newStuckControls(honour, CameraControl{Name: "brightness", Type: ControlInteger, Min: -64, Max: 64})
			t.Cleanup(func() { close(stuck.release) })
			prev := newControlBackendHook
			newControlBackendHook = func() controlBackend { return stuck }
			t.Cleanup(func() { newControlBackendHook = prev })
			m, err := newManager(context.Background(), Options{ApplyCameraSettings: true, CameraSettings: path}, noAudio, fixedCameras([]Camera{cam}), nil)
			require.NoError(t, err)
			testwait.Recv(t, stuck.entered, "the saved settings being applied")

			closeReturns(t, m)
			if honour {
				waitFor(t, "the applying cancelled by Close", func() bool {
					stuck.mu.Lock()
					defer stuck.mu.Unlock()
					return stuck.ctxErr != nil
				})
				stuck.mu.Lock()
				assert.ErrorIs(t, stuck.ctxErr, context.Canceled, "cancelled by Close, not timed out")
				stuck.mu.Unlock()
			}
		})
	}
}

// stuckIO is the fake driver with control ioctls that block until
// release is closed (a camera that stopped answering).
type stuckIO struct {
	*v4l2.FakeIO
	entered   chan struct{}
	enterOnce sync.Once
	release   chan struct{}
}

func (s *stuckIO) Ioctl(fd int, req uint, arg unsafe.Pointer) error {
	s.enterOnce.Do(func() { close(s.entered) })
	<-s.release
	return s.FakeIO.Ioctl(fd, req, arg)
}

// The V4L2 backend returns when its ctx is done, with an error in words,
// while the ioctl goes on; the node is closed when the ioctl ends.
func TestV4L2ControlsReturnOnCtx(t *testing.T) {
	cam := fakeCamera("/dev/v4l/by-id/usb-Cam-video-index0", "/dev/video0", yuyvAndNV12...)
	for _, op := range []string{"list", "set"} {
		t.Run(op, func(t *testing.T) {
			fake := v4l2.NewFakeIO(map[string]*v4l2.FakeNode{"/dev/video0": {Card: "Cam", Formats: yuyvAndNV12, Controls: uvcLikeControls()}})
			io := &stuckIO{FakeIO: fake, entered: make(chan struct{}), release: make(chan struct{})}
			b := v4l2Controls{io}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-io.entered
				cancel()
			}()
			var err error
			if op == "list" {
				_, err = b.list(ctx, cam)
			} else {
				err = b.set(ctx, cam, CameraControl{Name: "brightness", Type: ControlInteger}, 10)
			}
			require.ErrorIs(t, err, ErrControlRefused)
			require.ErrorIs(t, err, context.Canceled)
			assert.Contains(t, err.Error(), "did not answer in time")
			fds, _ := fake.Leaks()
			assert.Equal(t, 1, fds, "the node stays open while the ioctl runs")
			close(io.release)
			waitFor(t, "the node closed once the ioctl ended", func() bool { fds, _ := fake.Leaks(); return fds == 0 })
		})
	}
}

// darkFrames fills YUYV frames with a dim picture that changes every
// frame: CAMERA_TOO_DARK, which the brightness can fix.
func darkFrames(seq uint32, m camera.Mode, buf []byte) int {
	n := camera.FrameBytes("YUYV", m.Width, m.Height, 0)
	for i := 0; i+3 < n; i += 4 {
		x := (i / 4) % (m.Width / 2)
		y := byte(40 + (x+int(seq))%30)
		buf[i], buf[i+1], buf[i+2], buf[i+3] = y, 128, y, 128
	}
	return n
}

// A verdict change looks up the control fixes off the capture goroutine:
// while the camera does not answer about its controls, frames keep
// coming; once it answers, the verdict shows with its fix.
func TestPreviewFixLookupDoesNotStallFrames(t *testing.T) {
	cam := fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...)
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: yuyvAndNV12, Frame: darkFrames}}, cam)
	stuck := newStuckControls(false, CameraControl{Name: "brightness", Type: ControlInteger, Min: 0, Max: 255, Step: 1, Value: 100})
	r.m.ctrls = stuck
	p, err := r.m.OpenCamera(context.Background(), "cam-a", CaptureOptions{Width: 640, Height: 480})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	released := false
	t.Cleanup(func() { // first (cleanups run last first): a stuck capture goroutine ends
		if !released {
			close(stuck.release)
		}
	})
	for looking := false; !looking; {
		frame(t, p)
		select {
		case <-stuck.entered:
			looking = true
		default:
		}
	}
	before := p.Stats().Frames
	for range 10 {
		frame(t, p) // each within 5 s: delivery goes on
	}
	assert.GreaterOrEqual(t, p.Stats().Frames, before+10)

	close(stuck.release)
	released = true
	waitFor(t, "the verdict with its fix", func() bool {
		frame(t, p)
		for _, pr := range p.Problems() {
			if pr.Code == ProblemCameraTooDark && pr.Control == "brightness" {
				return true
			}
		}
		return false
	})
}

// A lookup whose verdict changed while it ran is dropped, and the new
// verdict looked up: the fixes shown are for the verdict shown.
func TestPreviewStaleFixLookupDropped(t *testing.T) {
	stuck := newStuckControls(false, CameraControl{Name: "brightness", Type: ControlInteger, Min: 0, Max: 255, Step: 1, Value: 100})
	p := &Preview{cam: fakeCamera("cam-a", "/dev/video0"), m: &Manager{ctrls: stuck}, frames: make(chan *image.RGBA, 1)}
	dark := []Problem{{Code: ProblemCameraTooDark, Message: "dark"}}
	bright := []Problem{{Code: ProblemCameraOverexposed, Message: "bright"}}
	p.asked, p.looking = dark, true
	done := make(chan struct{})
	go func() {
		p.lookUpFixes(dark)
		close(done)
	}()
	testwait.Recv(t, stuck.entered, "the lookup for the dark verdict")
	p.mu.Lock()
	p.asked = bright // the verdict changed meanwhile
	p.mu.Unlock()
	close(stuck.release)
	testwait.Recv(t, done, "the lookups to end")
	assert.Equal(t, int32(2), stuck.calls.Load(), "the new verdict looked up")
	ps := p.Problems()
	require.Len(t, ps, 1)
	assert.Equal(t, ProblemCameraOverexposed, ps[0].Code, "the stale result dropped")
	assert.Equal(t, "brightness", ps[0].Control)
	assert.Equal(t, int64(100-255/4), ps[0].ControlValue)
	assert.False(t, p.looking)
}
