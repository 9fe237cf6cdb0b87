package gui

import (
	"context"
	"image"
	"image/color"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// fakeCamera is an open preview whose frames the test sends.
type fakeCamera struct {
	id     string
	want   devices.CaptureOptions
	frames chan *image.RGBA
	mu     sync.Mutex
	closed bool
	warn   error
	err    error
	probs  []devices.Problem
}

func (c *fakeCamera) Frames() <-chan *image.RGBA { return c.frames }
func (c *fakeCamera) Mode() devices.Mode {
	w, h := c.want.Width, c.want.Height
	if w == 0 {
		w, h = 8, 6
	}
	return devices.Mode{Format: "YUYV", Width: w, Height: h, FPS: 30}
}
func (c *fakeCamera) Stats() devices.PreviewStats { return devices.PreviewStats{FPS: 30} }
func (c *fakeCamera) Warning() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.warn
}
func (c *fakeCamera) Problems() []devices.Problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.probs
}
func (c *fakeCamera) Seen() devices.CameraSeen { return devices.CameraSeen{} }
func (c *fakeCamera) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
func (c *fakeCamera) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}
func (c *fakeCamera) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// unplug ends the preview as a vanished camera does.
func (c *fakeCamera) unplug() {
	c.mu.Lock()
	c.err = &devices.Error{Code: devices.CodeDeviceVanished, Message: "Cam was unplugged"}
	c.mu.Unlock()
	close(c.frames)
}

func (f *fakeDevices) OpenCamera(_ context.Context, id string, want devices.CaptureOptions) (CameraSource, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cameraErr != nil {
		return nil, f.cameraErr
	}
	c := &fakeCamera{id: id, want: want, frames: make(chan *image.RGBA)}
	f.previews = append(f.previews, c)
	return c, nil
}

func (f *fakeDevices) preview(i int) *fakeCamera {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i < 0 {
		i += len(f.previews)
	}
	if i < 0 || i >= len(f.previews) {
		return nil
	}
	return f.previews[i]
}

func (f *fakeDevices) previewCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.previews)
}

// halves is a frame white on the left half and blue on the right.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// send hands a frame to the preview while running the UI queue (the
// preview goroutine blocks on the channel as a camera's would not, so
// the test knows when it was taken).
func send(t *testing.T, h *harness, c *fakeCamera, img *image.RGBA) {
	t.Helper()
	sent := false
	h.q.until(t, "the preview to take a frame", func() bool {
		if !sent {
			select {
			case c.frames <- img:
				sent = true
			default:
			}
		}
		return sent
	})
}

// streamUntil sends img again and again, as a camera streams, while
// running the UI queue, until cond holds (bounded by the queue's wait).
func streamUntil(t *testing.T, h *harness, c *fakeCamera, img *image.RGBA, what string, cond func() bool) {
	t.Helper()
	h.q.until(t, what, func() bool {
		select {
		case c.frames <- img:
		default:
		}
		return cond()
	})
}

func shownAt(v *cameraView, x, y int) color.RGBA { return v.shown.RGBAAt(x, y) }

var (
	white = color.RGBA{255, 255, 255, 255}
	blue  = color.RGBA{0, 0, 255, 255}
)

func TestCameraPreviewShowsMirroredFramesAndToggles(t *testing.T) {
	fd := newFakeDevices(deskLists())
	fd.cameras = []devices.Camera{{Info: devices.Info{DeviceID: "cam1"}, Formats: []devices.Format{
		{FourCC: "YUYV", Sizes: []devices.FrameSize{{Width: 640, Height: 480}, {Width: 320, Height: 240}}},
		{FourCC: "MJPG", Sizes: []devices.FrameSize{{Width: 1280, Height: 720}}},
		{FourCC: "H264", Sizes: []devices.FrameSize{{Width: 1920, Height: 1080}}},
	}}}
	h := startedHarness(t, fd)
	v := h.ui.devices.camera
	h.q.until(t, "the camera opened", func() bool { return fd.previewCount() == 1 })
	c := fd.preview(0)
	assert.Equal(t, "cam1", c.id)
	assert.Equal(t, []string{"1280×720", "640×480", "320×240"}, v.size.Options, "the camera's sizes, H.264 left out")

	send(t, h, c, halves(8, 6))
	h.q.until(t, "the frame shown", func() bool { return v.shown.Rect.Dx() == 8 })
	assert.Equal(t, blue, shownAt(v, 0, 0), "mirrored by default: the right half shows on the left")
	assert.Equal(t, white, shownAt(v, 7, 5))
	assert.Contains(t, v.info.Text, "8×6 at 30 frames a second")
	assert.NotEqual(t, widget.LowImportance, v.info.Importance, "read by a person: not faint grey")

	test.Tap(v.mirror) // off
	first := v.shown
	streamUntil(t, h, c, halves(8, 6), "the next frame shown", func() bool { return v.shown != first })
	assert.Equal(t, white, shownAt(v, 0, 0), "not mirrored")

	// A size picked from the list reopens the camera at that size.
	v.size.SetSelected("320×240")
	h.q.until(t, "the camera reopened", func() bool { return fd.previewCount() == 2 })
	h.q.until(t, "the old preview released", c.isClosed)
	assert.Equal(t, devices.CaptureOptions{Width: 320, Height: 240}, fd.preview(1).want)
	assert.Equal(t, "320x240", h.app.Preferences().String(cameraSizeKey("cam1")), "kept for the next start")
}

func TestCameraReleasedWhenHiddenAndOnSwitch(t *testing.T) {
	l := deskLists()
	l.VideoInputDevices = append(l.VideoInputDevices, dev(cam, "cam2", "USB Camera", "g-usb", false))
	fd := newFakeDevices(l)
	h := startedHarness(t, fd)
	h.q.until(t, "the camera opened", func() bool { return fd.previewCount() == 1 })
	first := fd.preview(0)

	h.ui.SetVisible(false)
	h.q.until(t, "the camera released in the background", first.isClosed)
	assert.Contains(t, h.ui.devices.camera.info.Text, "Paused")
	h.ui.SetVisible(true)
	h.q.until(t, "the camera opened again", func() bool { return fd.previewCount() == 2 })
	assert.Equal(t, "cam1", fd.preview(1).id)

	h.ui.devices.pickers[cam].sel.SetSelected("USB Camera")
	h.q.until(t, "the other camera opened", func() bool { return fd.previewCount() == 3 })
	assert.Equal(t, "cam2", fd.preview(2).id)
	h.q.until(t, "the first camera released", fd.preview(1).isClosed)

	fd.preview(2).unplug()
	h.q.until(t, "the unplug said", func() bool { return h.ui.devices.camera.info.Text == "The camera was unplugged." })
}

func TestCameraBusyAndNoPictureInWords(t *testing.T) {
	fd := newFakeDevices(deskLists())
	fd.cameraErr = errCameraInUse()
	h := startedHarness(t, fd)
	v := h.ui.devices.camera
	h.q.until(t, "the busy sentence", func() bool { return strings.Contains(v.info.Text, "in use by another application") })

	// Picked again once the other app let go: it opens, and a closed
	// shutter is said in words.
	fd.mu.Lock()
	fd.cameraErr = nil
	fd.mu.Unlock()
	v.setCamera(nil)
	v.setCamera(&devices.Camera{Info: devices.Info{DeviceID: "cam1"}})
	h.q.until(t, "the camera opened", func() bool { return fd.previewCount() == 1 })
	c := fd.preview(0)
	c.mu.Lock()
	c.warn = &devices.Error{Code: devices.CodeCameraNoPicture, Message: "the camera sends no picture — is its shutter closed?"}
	c.mu.Unlock()
	h.q.until(t, "the no-picture sentence", func() bool {
		return v.info.Text == "The camera sends no picture — is its shutter closed?"
	})
}

func TestCopyFrameMirrors(t *testing.T) {
	src := halves(6, 2)
	dst := image.NewRGBA(src.Rect)
	copyFrame(dst, src, true)
	require.Equal(t, blue, dst.RGBAAt(0, 1))
	require.Equal(t, white, dst.RGBAAt(5, 1))
	copyFrame(dst, src, false)
	require.Equal(t, src.Pix, dst.Pix)
}
