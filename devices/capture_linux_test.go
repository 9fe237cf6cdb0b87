package devices

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/testwait"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
)

// captureRig is a Manager whose cameras stream from a v4l2.FakeIO through
// the real V4L2 capture code and the real preview loop.
type captureRig struct {
	m    *Manager
	fake *v4l2.FakeIO
}

func fakeCamera(id, node string, formats ...camera.Format) Camera {
	c := Camera{Node: node, Formats: formats}
	c.Info = Info{DeviceID: id, Kind: VideoInput, Label: "Cam " + id, GroupID: "g-" + id}
	return c
}

var yuyvAndNV12 = []camera.Format{
	{FourCC: "YUYV", Sizes: []camera.FrameSize{{Width: 640, Height: 480}}},
	{FourCC: "NV12", Sizes: []camera.FrameSize{{Width: 320, Height: 240}}},
}

func newCaptureRig(t *testing.T, nodes map[string]*v4l2.FakeNode, cams ...Camera) *captureRig {
	t.Helper()
	m, err := newManager(context.Background(), Options{}, noAudio, fixedCameras(cams), nil)
	require.NoError(t, err)
	fake := v4l2.NewFakeIO(nodes)
	m.openCapture = func(_ context.Context, cam Camera, want camera.Want) (frameSource, error) {
		return openV4L2(fake, cam, want)
	}
	t.Cleanup(func() {
		m.Close()
		fds, maps := fake.Leaks()
		assert.Zero(t, fds, "descriptors left open")
		assert.Zero(t, maps, "buffers left mapped")
	})
	return &captureRig{m: m, fake: fake}
}

// frame waits (bounded) for the next picture.
func frame(t *testing.T, p *Preview) *image.RGBA {
	t.Helper()
	select {
	case img, ok := <-p.Frames():
		require.True(t, ok, "the preview ended: %v", p.Err())
		return img
	case <-time.After(5 * time.Second):
		t.Fatal("no frame within 5s")
		return nil
	}
}

// assertBarsSomewhere checks that each colour bar shows on the middle row;
// the fake moves the bars right a pixel a frame, so it looks a little
// either side of where each bar starts out.
func assertBarsSomewhere(t *testing.T, img *image.RGBA, tol int) {
	t.Helper()
	w := img.Rect.Dx()
	y := img.Rect.Dy() / 2
	found := 0
	for i, want := range camera.Bars {
		// Sample a quarter-bar either side of the middle: one of the three
		// is inside the bar whatever the shift of a few frames.
		for _, dx := range []int{-w / 32, 0, w / 32} {
			x := ((2*i+1)*w/16 + dx + w) % w
			got := img.RGBAAt(x, y)
			if absDiff(got.R, want.R) <= tol && absDiff(got.G, want.G) <= tol && absDiff(got.B, want.B) <= tol {
				found++
				break
			}
		}
	}
	assert.Equal(t, len(camera.Bars), found, "every bar's colour is on screen")
}

func TestPreviewStreamsColourBars(t *testing.T) {
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: yuyvAndNV12}},
		fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...))
	for _, c := range []struct {
		want CaptureOptions
		mode Mode
	}{
		{CaptureOptions{}, Mode{Format: "YUYV", Width: 640, Height: 480, FPS: 30}},
		{CaptureOptions{Width: 320, Height: 240, FPS: 15}, Mode{Format: "NV12", Width: 320, Height: 240, FPS: 15}},
	} {
		p, err := r.m.OpenCamera(context.Background(), "cam-a", c.want)
		require.NoError(t, err)
		assert.Equal(t, c.mode, p.Mode())
		assert.Equal(t, "cam-a", p.DeviceID())
		var img *image.RGBA
		for range 5 {
			img = frame(t, p)
		}
		assertBarsSomewhere(t, img, 3)
		assert.Equal(t, image.Rect(0, 0, c.mode.Width, c.mode.Height), img.Rect)
		s := p.Stats()
		assert.GreaterOrEqual(t, s.Frames, uint64(5))
		assert.Zero(t, s.BlackFrames)
		assert.Greater(t, p.FPS(), 0.0, "measured")
		require.NoError(t, p.Close())
		for range p.Frames() { // ends: Frames is closed after Close (a frame may still wait in it)
		}
		assert.NoError(t, p.Err())
		fds, _ := r.fake.Leaks()
		assert.Zero(t, fds, "Close released the camera before returning")
		require.NoError(t, p.Close(), "a second Close is a no-op")
	}
}

func TestPreviewOfTheCurrentCamera(t *testing.T) {
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: yuyvAndNV12}},
		fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...))
	p, err := r.m.OpenCamera(context.Background(), SystemDefault, CaptureOptions{})
	require.NoError(t, err)
	defer p.Close()
	assert.Equal(t, "cam-a", p.DeviceID())
	frame(t, p)
}

func TestTwoPreviewsAtOnce(t *testing.T) {
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: yuyvAndNV12}, "/dev/video2": {Formats: yuyvAndNV12}},
		fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...), fakeCamera("cam-b", "/dev/video2", yuyvAndNV12...))
	a, err := r.m.OpenCamera(context.Background(), "cam-a", CaptureOptions{})
	require.NoError(t, err)
	b, err := r.m.OpenCamera(context.Background(), "cam-b", CaptureOptions{Width: 320, Height: 240})
	require.NoError(t, err)
	for range 3 {
		assert.Equal(t, 640, frame(t, a).Rect.Dx())
		assert.Equal(t, 320, frame(t, b).Rect.Dx())
	}
	require.NoError(t, r.m.Close(), "closing the Manager ends its previews")
	testwait.Recv(t, a.Done(), "preview a to end")
	testwait.Recv(t, b.Done(), "preview b to end")
}

func TestPreviewErrorsInWords(t *testing.T) {
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{
		"/dev/video0": {Formats: yuyvAndNV12},
		"/dev/video2": {Formats: yuyvAndNV12, OpenErr: unix.EACCES},
		"/dev/video4": {Formats: []camera.Format{{FourCC: "H264", Sizes: []camera.FrameSize{{Width: 640, Height: 480}}}}},
	},
		fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...),
		fakeCamera("cam-denied", "/dev/video2", yuyvAndNV12...),
		fakeCamera("cam-h264", "/dev/video4", camera.Format{FourCC: "H264"}))

	p, err := r.m.OpenCamera(context.Background(), "cam-a", CaptureOptions{})
	require.NoError(t, err)
	defer p.Close()
	_, err = r.m.OpenCamera(context.Background(), "cam-a", CaptureOptions{})
	require.ErrorIs(t, err, ErrDeviceBusy)
	assert.Contains(t, err.Error(), "in use by another application")

	_, err = r.m.OpenCamera(context.Background(), "cam-denied", CaptureOptions{})
	require.ErrorIs(t, err, ErrDeviceAccessDenied)
	assert.Contains(t, err.Error(), "add yourself to the video group")

	_, err = r.m.OpenCamera(context.Background(), "cam-h264", CaptureOptions{})
	require.ErrorIs(t, err, ErrDeviceOpenFailed)
	assert.Contains(t, err.Error(), "H264")

	_, err = r.m.OpenCamera(context.Background(), "nope", CaptureOptions{})
	assert.ErrorIs(t, err, ErrUnknownDevice)
}

func TestPreviewUnpluggedIsVanished(t *testing.T) {
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: yuyvAndNV12}},
		fakeCamera("cam-a", "/dev/video0", yuyvAndNV12...))
	p, err := r.m.OpenCamera(context.Background(), "cam-a", CaptureOptions{})
	require.NoError(t, err)
	frame(t, p)
	r.fake.Unplug("/dev/video0")
	for { // drain until the preview ends
		if _, open := testwait.Recv(t, p.Frames(), "the unplugged preview to end"); !open {
			break
		}
	}
	require.ErrorIs(t, p.Err(), ErrDeviceVanished)
	assert.Contains(t, p.Err().Error(), "unplugged")
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the capture goroutine did not end")
	}
	fds, maps := r.fake.Leaks()
	assert.Zero(t, fds)
	assert.Zero(t, maps)
}

func TestPreviewWarnsWithoutPicture(t *testing.T) {
	black := func(seq uint32, m camera.Mode, buf []byte) int {
		n := camera.FrameBytes(m.FourCC, m.Width, m.Height, m.Stride)
		for i := 0; i+1 < n; i += 2 { // YUYV black: Y=16, U=V=128
			buf[i], buf[i+1] = 16, 128
		}
		return n
	}
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{
		"/dev/video0": {Formats: yuyvAndNV12, Frame: black},
		"/dev/video2": {Formats: yuyvAndNV12, Interval: time.Hour}, // streams, never sends
	},
		fakeCamera("shutter", "/dev/video0", yuyvAndNV12...),
		fakeCamera("stalled", "/dev/video2", yuyvAndNV12...))

	for id, what := range map[string]string{"shutter": "only black frames", "stalled": "no frame"} {
		p, err := r.m.OpenCamera(context.Background(), id, CaptureOptions{NoPictureAfter: 100 * time.Millisecond})
		require.NoError(t, err)
		go func() {
			for range p.Frames() { // a reader keeping up
			}
		}()
		waitFor(t, "the no-picture warning of "+id, func() bool { return p.Warning() != nil })
		require.ErrorIs(t, p.Warning(), ErrCameraNoPicture)
		assert.Contains(t, p.Warning().Error(), "the camera sends no picture — is its shutter closed?")
		assert.Contains(t, p.Warning().Error(), what)
		if id == "shutter" {
			assert.Greater(t, p.Stats().BlackFrames, uint64(0))
		}
		require.NoError(t, p.Close())
	}
}

func TestPreviewMJPEGDropsCorruptFrames(t *testing.T) {
	var enc bytes.Buffer
	require.NoError(t, jpeg.Encode(&enc, camera.BarsImage(1280, 720), &jpeg.Options{Quality: 90}))
	good := camera.StripDHT(enc.Bytes())
	mjpg := []camera.Format{
		{FourCC: "YUYV", Sizes: []camera.FrameSize{{Width: 1280, Height: 720}}},
		{FourCC: "MJPG", Sizes: []camera.FrameSize{{Width: 1280, Height: 720}}},
	}
	node := &v4l2.FakeNode{Formats: mjpg, Frame: func(seq uint32, m camera.Mode, buf []byte) int {
		if seq%3 == 0 {
			return copy(buf, good[:len(good)/2]) // truncated in transfer
		}
		return copy(buf, good)
	}}
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": node}, fakeCamera("hd", "/dev/video0", mjpg...))
	p, err := r.m.OpenCamera(context.Background(), "hd", CaptureOptions{Width: 1280, Height: 720})
	require.NoError(t, err)
	defer p.Close()
	assert.Equal(t, "MJPG", p.Mode().Format, "MJPEG for 720p")
	var img *image.RGBA
	for range 4 {
		img = frame(t, p)
	}
	for i, want := range camera.Bars {
		got := img.RGBAAt((2*i+1)*1280/16, 360)
		assert.LessOrEqual(t, absDiff(got.R, want.R)+absDiff(got.G, want.G)+absDiff(got.B, want.B), 24, "bar %d: %v", i, got)
	}
	waitFor(t, "a truncated frame counted as dropped", func() bool { return p.Dropped() > 0 })
}

// The steady state allocates nothing per frame: the conversion writes into
// the preview's own images.
func TestPreviewDeliverAllocatesNothing(t *testing.T) {
	raw := camera.Mode{FourCC: "YUYV", Width: 640, Height: 480}
	p := &Preview{raw: raw, frames: make(chan *image.RGBA, 1), last: -1, prev: -1}
	for i := range p.imgs {
		p.imgs[i] = image.NewRGBA(image.Rect(0, 0, 640, 480))
	}
	buf := make([]byte, camera.FrameBytes("YUYV", 640, 480, 0))
	camera.FillBars(buf, "YUYV", 640, 480, 0, 0)
	allocs := testing.AllocsPerRun(20, func() {
		p.deliver(buf)
		<-p.frames
	})
	assert.Zero(t, allocs)
	assert.Equal(t, uint64(21), p.Stats().Frames)
}

// A reader that does not keep up skips frames unconverted; that is not
// "no picture".
func TestPreviewSlowReaderIsNoWarning(t *testing.T) {
	p := &Preview{raw: camera.Mode{FourCC: "YUYV", Width: 64, Height: 48}, frames: make(chan *image.RGBA, 1), last: -1, prev: -1,
		opts: CaptureOptions{NoPictureAfter: time.Second}}
	for i := range p.imgs {
		p.imgs[i] = image.NewRGBA(image.Rect(0, 0, 64, 48))
	}
	buf := make([]byte, camera.FrameBytes("YUYV", 64, 48, 0))
	camera.FillBars(buf, "YUYV", 64, 48, 0, 0)
	p.deliver(buf) // converted, waiting in the channel: nobody reads it
	p.lastGood = time.Now().Add(-time.Hour)
	p.deliver(buf) // skipped: the reader is behind
	p.checkPicture(time.Now())
	assert.NoError(t, p.Warning())
	assert.Equal(t, uint64(1), p.Stats().Dropped)
}

// Every raw format the preview claims, through the fake driver and the
// real loop: the colour bars come out (GREY as their luma).
func TestPreviewEveryRawFormat(t *testing.T) {
	var formats []camera.Format
	for _, f := range []string{"YUYV", "UYVY", "NV12", "YU12", "GREY"} {
		formats = append(formats, camera.Format{FourCC: f, Sizes: []camera.FrameSize{{Width: 320, Height: 240}}})
	}
	r := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Formats: formats}}, fakeCamera("cam", "/dev/video0", formats...))
	for _, f := range formats {
		t.Run(f.FourCC, func(t *testing.T) {
			p, err := r.m.OpenCamera(context.Background(), "cam", CaptureOptions{Width: 320, Height: 240, Format: f.FourCC})
			require.NoError(t, err)
			defer p.Close()
			assert.Equal(t, f.FourCC, p.Mode().Format)
			img := frame(t, p)
			if f.FourCC != "GREY" {
				assertBarsSomewhere(t, img, 3)
				return
			}
			white, black := 0, 0
			for x := 0; x < 320; x++ {
				switch img.RGBAAt(x, 120) {
				case color.RGBA{255, 255, 255, 255}:
					white++
				case color.RGBA{0, 0, 0, 255}:
					black++
				}
			}
			assert.Greater(t, white, 30, "the white bar")
			assert.Greater(t, black, 30, "the black bar")
		})
	}
}
