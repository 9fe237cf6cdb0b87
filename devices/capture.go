package devices

import (
	"context"
	"fmt"
	"image"
	"sync"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// CaptureOptions is what a preview asks of a camera. The zero value asks
// for 640x480 at 30 fps, which every camera offers or comes close to.
type CaptureOptions struct {
	// Width and Height are the wanted size; the closest size the camera
	// offers is used.
	Width, Height int
	// FPS is the wanted rate; the closest rate offered is used.
	FPS float64
	// Format forces a pixel format ("YUYV", "MJPG", …); "" picks one
	// (MJPEG above 640x480 when offered, raw YUV below).
	Format string
	// NoPictureAfter is how long a preview may go without a picture (no
	// frame, or only black ones) before Warning reports it (default 3s).
	NoPictureAfter time.Duration
}

func (o CaptureOptions) noPictureAfter() time.Duration {
	return orDefault(o.NoPictureAfter, 3*time.Second)
}

// Mode is what a camera actually streams.
type Mode struct {
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// FPS is the rate the driver agreed to; 0 when it would not say.
	FPS float64 `json:"fps"`
}

func (m Mode) String() string {
	s := fmt.Sprintf("%dx%d %s", m.Width, m.Height, m.Format)
	if m.FPS > 0 {
		s += fmt.Sprintf(" %g fps", m.FPS)
	}
	return s
}

// PreviewStats counts a preview's frames so far.
type PreviewStats struct {
	// Frames were delivered on Frames().
	Frames uint64 `json:"frames"`
	// Dropped were lost anywhere: by the driver (gaps in its sequence),
	// damaged or undecodable, or skipped because the reader was behind.
	Dropped uint64 `json:"dropped"`
	// BlackFrames are delivered frames that were (nearly) all black.
	BlackFrames uint64 `json:"blackFrames"`
	// FPS is the measured rate of frames from the camera over the last
	// second or so; 0 before two frames.
	FPS float64 `json:"fps"`
}

// frameSource is one OS capture (camera_capture_linux.go …): frames in
// the camera's own format, errors already typed. One goroutine uses it.
type frameSource interface {
	Mode() camera.Mode
	// Next waits up to timeout for a frame and calls use with its bytes,
	// valid only during the call; lost counts frames dropped before it.
	Next(timeout time.Duration, use func(frame []byte)) (ok bool, lost int, err error)
	Close() error
}

// captureOpener opens a camera of the current list.
type captureOpener func(ctx context.Context, cam Camera, want camera.Want) (frameSource, error)

// typedCapture is what each OS's openCapture (camera_capture_*.go) ends
// with: the native stream it opened, or the open's error, with every error
// typed by typed (the OS's errno, HRESULT or AVError said in words), at
// the open and on every frame after it.
func typedCapture[S frameSource](s S, err error, typed func(error) error) (frameSource, error) {
	if err != nil {
		return nil, typed(err)
	}
	return typedSource{s, typed}, nil
}

type typedSource struct {
	frameSource
	typed func(error) error
}

func (s typedSource) Next(timeout time.Duration, use func([]byte)) (bool, int, error) {
	ok, lost, err := s.frameSource.Next(timeout, use)
	if err != nil {
		err = s.typed(err)
	}
	return ok, lost, err
}

// pollInterval bounds how long the capture goroutine waits for a frame
// before checking for Close: Close returns (and the device is released)
// within about this.
const pollInterval = 50 * time.Millisecond

// Preview streams one camera as RGBA images until closed. Several may run
// at once, one per camera.
type Preview struct {
	id     string
	cam    Camera
	mode   Mode
	src    frameSource
	raw    camera.Mode
	opts   CaptureOptions
	m      *Manager
	frames chan *image.RGBA

	// Owned by the capture goroutine: three images in turn, so the one a
	// reader holds and the one waiting in the channel are never written.
	imgs       [3]*image.RGBA
	last, prev int
	mjpeg      camera.MJPEG
	use        func([]byte) // p.deliver, bound once so Next does not allocate
	lastGood   time.Time    // the last frame with a picture, or the start
	lastBlack  bool         // the last converted frame was black
	check      *CameraCheck // the camera verdict, on every converted frame

	mu      sync.Mutex
	stats   PreviewStats
	times   [32]time.Time // arrival of the last frames, a ring
	nTimes  int
	warning *Error
	err     error
	verdict []Problem  // the check's problems, with the fixes a control can make
	seen    CameraSeen // and what it saw in the last frame
	// asked is the check's verdict as of the last frame, before the
	// control fixes are looked up; looking: a lookup (lookUpFixes) runs.
	asked   []Problem
	looking bool

	closed    chan struct{}
	closeOnce sync.Once
	done      chan struct{}
}

// OpenCamera starts a preview of the camera with this deviceId, or of the
// current camera when id is SystemDefault, in the mode closest to want.
// Errors: ErrUnknownDevice, ErrDeviceBusy (another application streams
// from it), ErrDeviceAccessDenied (with what to do), ErrDeviceVanished,
// ErrDeviceOpenFailed. The preview ends on Close, when ctx is done, or
// when the camera goes away (Err says why).
func (m *Manager) OpenCamera(ctx context.Context, id string, want CaptureOptions) (*Preview, error) {
	cam, err := m.cameraByID(id)
	if err != nil {
		return nil, err
	}
	src, err := m.openCapture(ctx, cam, camera.Want{Width: want.Width, Height: want.Height, FPS: want.FPS, FourCC: want.Format})
	if err != nil {
		return nil, err
	}
	raw := src.Mode()
	p := &Preview{
		id: cam.DeviceID, cam: cam, src: src, raw: raw, opts: want, m: m,
		mode:   Mode{Format: raw.FourCC, Width: raw.Width, Height: raw.Height, FPS: raw.FPS},
		frames: make(chan *image.RGBA, 1),
		last:   -1, prev: -1,
		closed: make(chan struct{}), done: make(chan struct{}),
	}
	for i := range p.imgs {
		p.imgs[i] = image.NewRGBA(image.Rect(0, 0, raw.Width, raw.Height))
	}
	p.check = NewCameraCheck(cam.DeviceID, cam.Label, want.Width, want.Height, p.mode)
	p.use = p.deliver
	if !m.track(p) {
		src.Close()
		return nil, newError(CodeClosed, "the device manager is closed", "")
	}
	go p.run(ctx)
	return p, nil
}

// cameraByID finds a listed camera; SystemDefault is the current one.
func (m *Manager) cameraByID(id string) (Camera, error) {
	if id == SystemDefault {
		cur, ok := m.CurrentVideoInputDevice()
		if !ok {
			return Camera{}, newError(CodeUnknownDevice, "there is no camera", "plug one in, or check `mediadesk devices`")
		}
		id = cur.DeviceID
	}
	for _, c := range m.Cameras() {
		if c.DeviceID == id {
			return c, nil
		}
	}
	return Camera{}, newError(CodeUnknownDevice, fmt.Sprintf("no camera has the id %q", id), "`mediadesk devices` lists the ids")
}

// track remembers an open preview so Manager.Close can end it; false when
// the Manager is closed.
func (m *Manager) track(p *Preview) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	if m.previews == nil {
		m.previews = map[*Preview]struct{}{}
	}
	m.previews[p] = struct{}{}
	return true
}

func (m *Manager) untrack(p *Preview) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.previews, p) // a no-op after Close took the map
}

// DeviceID is the camera's id.
func (p *Preview) DeviceID() string { return p.id }

// Mode is the mode the camera streams in.
func (p *Preview) Mode() Mode { return p.mode }

// Frames delivers the pictures. An image stays valid until the next one
// is received; copy it to keep it. A reader that falls behind misses
// frames (counted in Dropped), never stalls the camera. The channel is
// closed when the preview ends.
func (p *Preview) Frames() <-chan *image.RGBA { return p.frames }

// Stats counts frames so far.
func (p *Preview) Stats() PreviewStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.FPS = p.fpsLocked(time.Now())
	return s
}

// FPS is the measured frame rate.
func (p *Preview) FPS() float64 { return p.Stats().FPS }

// Dropped counts the frames lost so far.
func (p *Preview) Dropped() uint64 { return p.Stats().Dropped }

// Warning is an *Error matching ErrCameraNoPicture while the camera sends
// no picture (no frame, or only black ones, for NoPictureAfter), else nil.
// It clears when a picture comes.
func (p *Preview) Warning() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.warning == nil {
		return nil
	}
	return p.warning
}

// Problems is the camera verdict (CameraCheck) on the frames converted
// so far: CAMERA_BLACK, CAMERA_TOO_DARK, CAMERA_OVEREXPOSED,
// CAMERA_FROZEN, CAMERA_LOW_FPS, CAMERA_WRONG_SIZE (the last only when a
// size was asked for). A changed verdict shows once what a control can
// fix has been read from the camera (off the capture goroutine, within a
// second), with those fixes. A fresh slice; nil when none.
func (p *Preview) Problems() []Problem {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.verdict) == 0 {
		return nil
	}
	return append([]Problem(nil), p.verdict...)
}

// Seen is what the verdict saw in the last converted frame.
func (p *Preview) Seen() CameraSeen {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen
}

// Err says why the preview ended: nil after Close, ctx's error, or a
// typed error (ErrDeviceVanished when the camera was unplugged). Valid
// once Frames is closed.
func (p *Preview) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Close stops the preview and releases the camera before it returns (its
// light goes off). A second Close is a no-op.
func (p *Preview) Close() error {
	p.closeOnce.Do(func() { close(p.closed) })
	<-p.done
	return nil
}

// Done is closed when the preview has ended and released the camera.
func (p *Preview) Done() <-chan struct{} { return p.done }

func (p *Preview) run(ctx context.Context) {
	defer close(p.done)
	defer p.m.untrack(p)
	defer close(p.frames)
	defer p.src.Close()
	defer p.mjpeg.Close() // the native decoder, if MJPEG started one
	start := time.Now()
	p.lastGood = start
	for {
		select {
		case <-p.closed:
			return
		case <-ctx.Done():
			p.setErr(ctx.Err())
			return
		default:
		}
		_, lost, err := p.src.Next(pollInterval, p.use)
		if lost > 0 {
			p.mu.Lock()
			p.stats.Dropped += uint64(lost)
			p.mu.Unlock()
		}
		if err != nil {
			p.setErr(err)
			return
		}
		p.checkPicture(time.Now())
	}
}

// The camera errors said the same way on every platform; each
// camera_capture_* file adds what is its own (the examples, what to do).

// cameraBusy: another application streams from the camera; examples, if
// any, name such applications (" (a browser tab, …)").
func cameraBusy(cam Camera, examples string, err error) error {
	return wrapError(CodeDeviceBusy, cam.Label+" is in use by another application",
		"close the other application using the camera"+examples+" and try again", err)
}

func cameraUnplugged(cam Camera, err error) error {
	return wrapError(CodeDeviceVanished, cam.Label+" was unplugged", "plug it in again and reopen the preview", err)
}

// cameraNoFormat: details say what MediaDesk shows.
func cameraNoFormat(cam Camera, details string, err error) error {
	return wrapError(CodeDeviceOpenFailed, cam.Label+" sends no picture format MediaDesk can show", details, err)
}

// cameraOpenFailed: any other reason; details say what to try.
func cameraOpenFailed(cam Camera, details string, err error) error {
	return wrapError(CodeDeviceOpenFailed, cam.Label+" could not be opened", details, err)
}

func (p *Preview) setErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// checkPicture raises or clears the no-picture warning.
func (p *Preview) checkPicture(now time.Time) {
	quiet := now.Sub(p.lastGood)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case quiet < p.opts.noPictureAfter():
		p.warning = nil
	case p.warning == nil:
		what := "no frame"
		if p.stats.Frames > 0 && now.Sub(p.times[(p.nTimes+len(p.times)-1)%len(p.times)]) < time.Second {
			what = "only black frames"
		}
		p.warning = newError(CodeCameraNoPicture, "the camera sends no picture — is its shutter closed?",
			fmt.Sprintf("%s for %.0f seconds; open the privacy shutter or lens cap, or close other apps using the camera", what, quiet.Seconds()))
	}
}

// deliver converts one frame into a free image and hands it over, unless
// the reader still has not taken the last one.
func (p *Preview) deliver(frame []byte) {
	now := time.Now()
	p.mu.Lock()
	p.times[p.nTimes%len(p.times)] = now
	p.nTimes++
	behind := len(p.frames) > 0
	if behind {
		p.stats.Dropped++
	}
	p.mu.Unlock()
	if behind {
		// Not converted, so not looked at: a camera that was showing a
		// picture still is, as far as the warning goes (a slow reader must
		// not make it say "no picture").
		if !p.lastBlack {
			p.lastGood = now
		}
		return
	}
	i := 0
	for i == p.last || i == p.prev {
		i++
	}
	img := p.imgs[i]
	var err error
	if p.raw.FourCC == "MJPG" || p.raw.FourCC == "JPEG" {
		err = p.mjpeg.Decode(img, frame)
	} else {
		err = camera.Convert(img, p.raw.FourCC, frame, p.raw.Stride)
	}
	black := err == nil && camera.IsBlack(img)
	p.mu.Lock()
	fps := p.fpsLocked(now)
	p.mu.Unlock()
	var verdict []Problem
	if p.check == nil { // a Preview made by hand (tests)
		p.check = NewCameraCheck(p.id, "", 0, 0, p.mode)
	}
	if err == nil {
		verdict = p.check.Add(CameraFrame{Image: img, At: now, FPS: fps})
	}
	p.mu.Lock()
	changed := err == nil && !sameProblems(p.asked, verdict)
	lookUp := false
	if changed {
		// A copy (Add reuses its slice), never changed after: the lookup
		// and Problems share it.
		verdict = append([]Problem(nil), verdict...)
		p.asked = verdict
		switch {
		case len(verdict) == 0 || p.m == nil:
			p.verdict = verdict
		case !p.looking:
			p.looking, lookUp = true, true
		}
		// else: the lookup running finds its verdict stale and looks up
		// this one.
	}
	if err == nil {
		p.seen = p.check.Seen()
	}
	switch {
	case err != nil:
		p.stats.Dropped++
	case black:
		p.stats.BlackFrames++
	}
	if err == nil {
		p.stats.Frames++
	}
	p.mu.Unlock()
	if err != nil {
		return
	}
	if lookUp {
		go p.lookUpFixes(verdict)
	}
	p.lastBlack = black
	if !black {
		p.lastGood = now
	}
	select {
	case p.frames <- img:
		p.prev, p.last = p.last, i
	default: // cannot happen: only this goroutine sends, and it saw room
	}
}

// fixLookupTimeout bounds one reading of the camera's controls for the
// verdict's fixes.
const fixLookupTimeout = time.Second

// lookUpFixes adds to the verdict ps what a control can fix, read from
// the camera (a few ioctls, only when the verdict changes), off the
// capture goroutine: a camera slow to answer about its controls must not
// hold its frames. The verdict shows with its fixes once they are read
// (or could not be: without them); a result for a verdict that changed
// meanwhile is dropped, and the new one looked up.
func (p *Preview) lookUpFixes(ps []Problem) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), fixLookupTimeout)
		fixed := p.m.cameraControlFixes(ctx, p.cam, ps)
		cancel()
		p.mu.Lock()
		if sameProblems(p.asked, ps) {
			p.verdict, p.looking = fixed, false
			p.mu.Unlock()
			return
		}
		ps = p.asked // stale
		if len(ps) == 0 {
			p.looking = false // deliver set the empty verdict
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

// sameProblems: the same codes and sentences in the same order.
func sameProblems(a, b []Problem) bool {
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

// fpsLocked is the rate over the frames of the last second or so.
func (p *Preview) fpsLocked(now time.Time) float64 {
	n := min(p.nTimes, len(p.times))
	if n < 2 {
		return 0
	}
	newest := p.times[(p.nTimes-1)%len(p.times)]
	if now.Sub(newest) > time.Second {
		return 0 // stalled
	}
	oldest := p.times[(p.nTimes-n)%len(p.times)]
	for k := p.nTimes - n; k < p.nTimes-1 && newest.Sub(oldest) > 2*time.Second; k++ {
		oldest = p.times[(k+1)%len(p.times)]
		n--
	}
	span := newest.Sub(oldest).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(n-1) / span
}
