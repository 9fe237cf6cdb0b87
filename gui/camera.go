package gui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"sort"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// CameraSource is an open camera preview; *devices.Preview provides it.
type CameraSource = devices.PreviewSource

// OpenCamera opens a camera preview.
func (m ManagerDevices) OpenCamera(ctx context.Context, id string, want devices.CaptureOptions) (CameraSource, error) {
	p, err := m.Manager.OpenCamera(ctx, id, want)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// cameraView is the Camera card's live preview: mirrored by default (as
// people expect to see themselves), the mode and measured rate under it,
// and a size choice from the camera's own sizes. The camera is open only
// while the window is in front and a camera is chosen; opening, switching
// and closing happen off the UI goroutine.
type cameraView struct {
	cfg *Config

	image  *canvas.Image
	info   *widget.Label // the mode and measured rate, one line
	empty  *widget.Label // over the black box when there is no camera
	mirror *widget.Check
	size   *widget.Select

	// onProblem, if set, hears the camera's finding for the Check (nil:
	// the camera sends a picture, or there is none).
	onProblem func(*devices.Problem)
	// onVerdict, if set, hears the camera verdict's problems (black, too
	// dark, overexposed, frozen, slow) when they change.
	onVerdict func([]devices.Problem)

	// adjust is the Adjust panel beside the picture, and adjustBtn what
	// shows it; nil when the devices cannot set camera controls.
	adjust    *adjustPanel
	adjustBtn *widget.Button

	// UI goroutine only.
	id      string // the chosen camera, "" for none
	cam     devices.Info
	visible bool     // the window is in front
	inView  bool     // the Camera card is shown
	sizes   [][2]int // behind size's options
	want    devices.CaptureOptions
	gen     int // bumped on every open and close: late news from an old preview is dropped
	cancel  context.CancelFunc
	shown   *image.RGBA // the image on screen
	stage   *fyne.Container
	blank   *image.RGBA
	running bool

	// Shared with the preview goroutine: the image it may draw into next,
	// and whether a drawn frame still waits for the UI.
	mu       sync.Mutex
	back     *image.RGBA
	pending  bool
	mirrored bool
	fit      image.Point // the picture's size on screen in pixels (0: not laid out yet)
}

const previewWidth, previewHeight = 320, 240

// maxPreviewRate caps the preview's redraws, as maxMeterRate does the
// meter's: each costs a repaint of the window under a software renderer.
// It is a multiple of maxMeterRate, so every meter update falls on a
// preview frame's boundary (untilFrame) and the two are drawn in one
// repaint. 20 a second shows two of a 30 fps camera's three frames: the
// window's CPU under a software renderer within 35 % of a core
// (BENCHMARKS.md, "The window's CPU").
const maxPreviewRate = 2 * maxMeterRate

func newCameraView(cfg *Config) *cameraView {
	v := &cameraView{cfg: cfg, visible: true, inView: true, mirrored: true}
	v.blank = image.NewRGBA(image.Rect(0, 0, 4, 3))
	for i := 3; i < len(v.blank.Pix); i += 4 {
		v.blank.Pix[i] = 0xff
	}
	v.shown = v.blank
	v.image = canvas.NewImageFromImage(v.blank)
	v.image.FillMode = canvas.ImageFillContain
	v.image.ScaleMode = canvas.ImageScaleFastest // a preview, not a photo: keep the software renderer's cost down
	v.image.SetMinSize(fyne.NewSize(previewWidth, previewHeight))
	v.info = oneLine("")
	v.info.Importance = widget.MediumImportance // read by a person: not the disabled grey
	v.empty = widget.NewLabel("No camera is connected.")
	v.empty.Alignment = fyne.TextAlignCenter
	v.mirror = widget.NewCheck("Mirror", func(on bool) {
		v.mu.Lock()
		v.mirrored = on
		v.mu.Unlock()
	})
	v.mirror.SetChecked(true)
	v.size = widget.NewSelect(nil, func(string) { v.sizePicked() })
	v.size.PlaceHolder = "Size"
	bg := canvas.NewRectangle(color.Black)
	left := fyne.CanvasObject(v.mirror)
	var right fyne.CanvasObject
	if src, ok := cfg.Devices.(CameraControlsSource); ok {
		v.adjust = newAdjustPanel(cfg, src)
		v.adjust.content.Hide()
		right = v.adjust.content
		v.adjustBtn = widget.NewButtonWithIcon("Adjust", theme.SettingsIcon(), v.toggleAdjust)
		v.adjustBtn.Disable() // until a camera is chosen
		left = container.NewHBox(v.mirror, v.adjustBtn)
	}
	// The picture takes the height its place gives it; with no camera
	// the box says so, in the same place (nothing around it moves). What
	// is wrong with the camera is the Check's to say. The Adjust panel,
	// when shown, sits to its right.
	v.stage = container.NewBorder(nil, container.NewVBox(container.NewBorder(nil, nil, left, nil, v.size), v.info), nil, right,
		container.NewStack(bg, v.image, container.NewCenter(v.empty)))
	return v
}

// setCamera shows the chosen camera (nil for none), reopening the preview
// when it changed.
func (v *cameraView) setCamera(c *devices.Camera) {
	id, cam := "", devices.Info{}
	if c != nil {
		id, cam = c.DeviceID, c.Info
	}
	if id == v.id && v.running == (id != "" && v.visible && v.inView) {
		return
	}
	if id != v.id {
		v.report(nil) // a finding was the old camera's
		v.verdict(nil)
	}
	changed := id != v.id
	v.id, v.cam = id, cam
	if v.adjust != nil {
		if id == "" {
			v.adjustBtn.Disable() // nothing to adjust
		} else {
			v.adjustBtn.Enable()
		}
		if changed && v.adjust.content.Visible() {
			v.adjust.setCamera(id)
		}
	}
	v.want = devices.CaptureOptions{}
	if w, h, ok := devices.ParseSize(v.cfg.Prefs.String(cameraSizeKey(id))); ok && id != "" {
		v.want.Width, v.want.Height = w, h
	}
	v.sizes = nil
	var opts []string
	if c != nil {
		v.sizes = cameraSizes(*c)
		for _, s := range v.sizes {
			opts = append(opts, fmt.Sprintf("%d×%d", s[0], s[1]))
		}
	}
	if id == "" {
		v.empty.Show()
	} else {
		v.empty.Hide()
	}
	v.size.SetOptions(opts)
	v.size.ClearSelected()
	if len(opts) == 0 {
		v.size.Disable()
	} else {
		v.size.Enable()
	}
	v.restart()
}

// setVisible opens the camera when the window comes to the front and
// releases it when the window goes to the back or is minimised.
func (v *cameraView) setVisible(on bool) {
	if on == v.visible {
		return
	}
	v.visible = on
	v.restart()
}

// setInView opens the camera when its card is shown and releases it when
// the card is hidden (the Check shows one card at a time).
func (v *cameraView) setInView(on bool) {
	if on == v.inView {
		return
	}
	v.inView = on
	v.restart()
}

func (v *cameraView) sizePicked() {
	i := v.size.SelectedIndex()
	if i < 0 || i >= len(v.sizes) {
		return
	}
	w, h := v.sizes[i][0], v.sizes[i][1]
	if w == v.want.Width && h == v.want.Height {
		return
	}
	v.want.Width, v.want.Height = w, h
	v.cfg.Prefs.SetString(cameraSizeKey(v.id), fmt.Sprintf("%dx%d", w, h))
	v.restart()
}

// cameraSizeKey is where the size chosen for a camera is kept.
func cameraSizeKey(id string) string { return "camera.size." + id }

// stop releases the camera (in the preview's goroutine: Close waits for
// the device, the UI does not).
func (v *cameraView) stop() {
	v.gen++
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.running = false
}

func (v *cameraView) restart() {
	v.stop()
	v.showImage(v.blank)
	switch {
	case v.id == "":
		v.info.SetText("")
		return
	case !v.visible:
		v.info.SetText("Paused while MediaDesk is in the background.")
		return
	case !v.inView:
		v.info.SetText("")
		return
	}
	v.info.SetText("Opening the camera…")
	ctx, cancel := context.WithCancel(v.cfg.Ctx)
	v.cancel, v.running = cancel, true
	go v.stream(ctx, v.gen, v.id, v.want)
}

// stream runs one preview until ctx ends or the camera does.
func (v *cameraView) stream(ctx context.Context, gen int, id string, want devices.CaptureOptions) {
	src, err := v.cfg.Devices.OpenCamera(ctx, id, want)
	if err != nil {
		v.cfg.Do(func() {
			if v.gen == gen {
				v.running = false
				v.problem(err)
			}
		})
		return
	}
	defer src.Close()
	mode := src.Mode()
	v.cfg.Do(func() {
		if v.gen == gen {
			v.info.SetText(modeText(mode, 0))
			v.selectSize(mode)
			v.verdict(nil) // a new preview's verdict starts afresh (the last one's may be stale)
		}
	})
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastWarning := "" // "" for none: a preview starts with its finding cleared
	var lastVerdict []devices.Problem
	for {
		select {
		case <-ctx.Done():
			return
		case img, ok := <-src.Frames():
			if !ok {
				err := src.Err()
				v.cfg.Do(func() {
					if v.gen == gen {
						v.running = false
						v.showImage(v.blank)
						if err != nil {
							v.problem(err)
						}
					}
				})
				return
			}
			// At most one frame a frame boundary (maxPreviewRate a second:
			// a 60 fps camera would otherwise repaint the window twice as
			// often as the eye needs); a frame waiting for the UI skips.
			v.offer(gen, img)
		case <-tick.C:
			st, warn := src.Stats(), src.Warning()
			if verdict := src.Problems(); !sameVerdict(verdict, lastVerdict) {
				lastVerdict = verdict
				v.cfg.Do(func() {
					if v.gen == gen {
						v.verdict(verdict)
					}
				})
			}
			// The warning is news only when it changes: the Check and the
			// note are not redrawn every second.
			warned := ""
			if warn != nil {
				warned = warn.Error()
			}
			news := warned != lastWarning
			lastWarning = warned
			v.cfg.Do(func() {
				if v.gen != gen {
					return
				}
				if warn != nil {
					v.info.SetText(cameraProblem(warn)) // for as long as it holds
				} else {
					v.info.SetText(modeText(mode, st.FPS))
				}
				switch {
				case !news:
				case warn != nil:
					v.problem(warn)
				default:
					v.report(nil)
				}
			})
		}
	}
}

// offer draws a frame into the free image and hands it to the UI, unless
// the UI has not shown the last one yet (then the frame is skipped: the
// UI sets the pace, never the camera).
func (v *cameraView) offer(gen int, img *image.RGBA) {
	v.mu.Lock()
	if v.pending {
		v.mu.Unlock()
		return
	}
	back, mirror, fit := v.back, v.mirrored, v.fit
	v.back, v.pending = nil, true
	v.mu.Unlock()
	// A frame larger than it is shown is shrunk here, to the pixels on
	// screen: the texture the renderer uploads each frame is that much
	// smaller (Fyne would upload the whole frame and let GL shrink it).
	want := fitSize(img.Rect.Size(), fit)
	if back == nil || back.Rect.Size() != want {
		back = image.NewRGBA(image.Rectangle{Max: want}) // only when the size changes
	}
	if want == img.Rect.Size() {
		copyFrame(back, img, mirror)
	} else {
		shrinkFrame(back, img, mirror)
	}
	time.AfterFunc(untilFrame(time.Now(), time.Second/maxPreviewRate), func() {
		v.cfg.Do(func() {
			old := back
			if v.gen == gen {
				old = v.shown
				v.showImage(back)
			}
			v.mu.Lock()
			if old != v.blank {
				v.back = old
			}
			v.pending = false
			v.mu.Unlock()
		})
	})
}

func (v *cameraView) showImage(img *image.RGBA) {
	if v.shown == img {
		return
	}
	// Where the picture is now, for the next frame's size.
	scale := float32(1)
	if c := v.cfg.Window.Canvas(); c != nil {
		scale = c.Scale()
	}
	sz := v.image.Size()
	v.mu.Lock()
	v.fit = image.Pt(int(sz.Width*scale+0.5), int(sz.Height*scale+0.5))
	v.mu.Unlock()
	v.shown = img
	v.image.Image = img
	v.image.Refresh()
}

// copyFrame copies src into dst (the same size), mirrored left to right
// when asked.
func copyFrame(dst, src *image.RGBA, mirror bool) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		s := src.Pix[y*src.Stride : y*src.Stride+w*4]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		if !mirror {
			copy(d, s)
			continue
		}
		for x, o := 0, (w-1)*4; x < len(s) && o >= 0; x, o = x+4, o-4 {
			p, q := s[x:x+4:x+4], d[o:o+4:o+4]
			q[0], q[1], q[2], q[3] = p[0], p[1], p[2], p[3]
		}
	}
}

// fitSize is the size a frame of size src is shown at within box
// (keeping its shape, as ImageFillContain does), never larger than src;
// src itself when the box is not known yet.
func fitSize(src, box image.Point) image.Point {
	if box.X <= 0 || box.Y <= 0 || src.X <= 0 || src.Y <= 0 || (box.X >= src.X && box.Y >= src.Y) {
		return src
	}
	// The smaller of the two ratios, in integers: box.X/src.X vs box.Y/src.Y.
	if box.X*src.Y <= box.Y*src.X {
		return image.Pt(box.X, max(1, src.Y*box.X/src.X))
	}
	return image.Pt(max(1, src.X*box.Y/src.Y), box.Y)
}

// shrinkFrame scales src down into dst (nearest sample: a preview, as
// ImageScaleFastest draws it), mirrored left to right when asked.
func shrinkFrame(dst, src *image.RGBA, mirror bool) {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	for y := range dh {
		s := src.Pix[(y*sh/dh)*src.Stride:]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for x := range dw {
			sx := x * sw / dw
			if mirror {
				sx = sw - 1 - sx
			}
			copy(d[x*4:x*4+4], s[sx*4:sx*4+4])
		}
	}
}

// selectSize shows the size the camera runs at in the size choice.
func (v *cameraView) selectSize(m devices.Mode) {
	for i, s := range v.sizes {
		if s[0] == m.Width && s[1] == m.Height && v.size.SelectedIndex() != i {
			v.want.Width, v.want.Height = m.Width, m.Height // so selecting it does not reopen
			v.size.SetSelectedIndex(i)
			return
		}
	}
}

// problem tells the Check what is wrong with the camera, and says it in
// short on the preview's line.
func (v *cameraView) problem(err error) {
	v.info.SetText(cameraProblem(err))
	p := devices.CameraProblem(v.cam, err)
	v.report(&p)
}

// verdict tells the Check the camera verdict's problems.
func (v *cameraView) verdict(ps []devices.Problem) {
	if v.onVerdict != nil {
		v.onVerdict(ps)
	}
}

// sameVerdict: the same problems, said the same way.
func sameVerdict(a, b []devices.Problem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code || a[i].Message != b[i].Message {
			return false
		}
	}
	return true
}

// toggleAdjust shows or hides the Adjust panel beside the picture.
func (v *cameraView) toggleAdjust() {
	if v.adjust.content.Visible() {
		v.adjust.content.Hide()
		v.image.SetMinSize(fyne.NewSize(previewWidth, previewHeight))
		v.adjustBtn.Importance = widget.MediumImportance
	} else {
		v.adjust.content.Show()
		v.image.SetMinSize(fyne.NewSize(previewWidth-adjustWidth-theme.Padding(), (previewWidth-adjustWidth)*previewHeight/previewWidth))
		v.adjust.setCamera(v.id)
		v.adjustBtn.Importance = widget.HighImportance
	}
	v.adjustBtn.Refresh()
	v.stage.Refresh()
}

// report tells the Check what the camera shows.
func (v *cameraView) report(p *devices.Problem) {
	if v.onProblem != nil {
		v.onProblem(p)
	}
}

func cameraProblem(err error) string {
	var e *devices.Error
	if !errors.As(err, &e) {
		return plainError(err)
	}
	switch e.Code {
	case devices.CodeDeviceBusy:
		return "The camera is in use by another application — close it (a browser tab, a video-call app) and pick the camera again."
	case devices.CodeDeviceAccessDenied:
		if e.Details != "" {
			return "MediaDesk may not use the camera — " + e.Details + "."
		}
		return "MediaDesk may not use the camera — allow it in the system's privacy settings."
	case devices.CodeDeviceVanished:
		return "The camera was unplugged."
	case devices.CodeCameraNoPicture:
		return "The camera sends no picture — is its shutter closed?"
	}
	return plainError(err)
}

// cameraSizes are the camera's frame sizes in the formats MediaDesk
// shows, largest first, each once.
func cameraSizes(c devices.Camera) [][2]int {
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, f := range c.Formats {
		switch f.FourCC {
		case "YUYV", "UYVY", "NV12", "YU12", "GREY", "MJPG", "JPEG", "BGRA", "BGR4":
		default:
			continue
		}
		for _, s := range f.Sizes {
			k := [2]int{int(s.Width), int(s.Height)}
			if s.MaxWidth > 0 || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0]*out[i][1] > out[j][0]*out[j][1] })
	return out
}

// modeText says a preview's mode in words: its size and frame rate, with
// the rate measured when there is one (the pixel format is left to the
// CLI's check camera: it tells a person nothing).
func modeText(m devices.Mode, measured float64) string {
	s := fmt.Sprintf("%d×%d", m.Width, m.Height)
	if m.FPS > 0 {
		s += fmt.Sprintf(" at %g frames a second", m.FPS)
	}
	if measured > 0 {
		s += fmt.Sprintf(" (%.1f measured)", measured)
	}
	return s
}
