package devices

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Options tunes a Manager. The zero value is what a person wants: monitors
// and infrared cameras hidden, the platform's audio backends in order.
type Options struct {
	// IncludeMonitors lists PulseAudio "Monitor of …" sources as audio
	// inputs (for loopback recording). They are not microphones.
	IncludeMonitors bool
	// IncludeInfrared lists greyscale-only cameras (face-login IR cameras).
	IncludeInfrared bool
	// TestPattern adds a synthetic camera (TestPatternID) sending moving
	// colour bars: demos, screenshots and measurements without a camera.
	TestPattern bool

	// ApplyCameraSettings applies the camera controls saved for each
	// camera (SetCameraControls saves them) when the camera appears: at the
	// first scan and whenever it is plugged in again. The window and the
	// background mode set it; one-shot commands do not.
	ApplyCameraSettings bool
	// CameraSettings is the file the settings are saved in (default
	// DefaultCameraSettingsPath()).
	CameraSettings string

	// Coalesce is the quiet time after the last change notification before
	// the lists are scanned again (default 30ms). MaxWait caps it from the
	// first notification of a burst (default 300ms), so a storm of changes
	// still reports a few times a second. Rescan is the slow safety scan
	// for changes no notification covers (default 30s).
	Coalesce, MaxWait, Rescan time.Duration
}

func (o Options) coalesce() time.Duration { return orDefault(o.Coalesce, defaultCoalesce) }
func (o Options) maxWait() time.Duration  { return orDefault(o.MaxWait, defaultMaxWait) }
func (o Options) rescan() time.Duration   { return orDefault(o.Rescan, defaultRescan) }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Manager lists devices and holds the selection for each kind. Its methods
// are safe for concurrent use. Close it when done; a second Close is a no-op.
//
// Where things happen: scan.go enumerates the backends and builds the
// lists, publish.go diffs them and tells listeners, selection.go holds
// what a person chose, watch.go runs the hot-plug pipeline.
type Manager struct {
	opts Options

	// The seams to the OS, set once by New (or a test).
	openAudio audioOpener
	cameras   cameraProbe
	notifiers func(dirty func(what)) []io.Closer
	clk       clock         // nil: the real clock
	idle      chan struct{} // tests: see watcher.idle

	// scanMu serialises scans so at most one enumeration runs at a time.
	scanMu sync.Mutex

	mu        sync.Mutex
	audio     audioBackend // nil while no audio backend could be opened
	audioWarn *Error       // why the open backend is a fallback
	audioErr  error
	camErr    error
	raw       []rawAudio // the last audio listing, before filters
	probed    []Camera   // the last camera probe, before filters
	lists     Lists      // without Active; applied on read
	cams      []Camera   // details of the listed cameras
	sel       [3]selection
	closed    bool
	states    map[string]DeviceState // by stateKey, listed or not
	cards     []Card
	problems  []Problem
	hints     []Problem
	// cardSettled is when each card last switched profile or stopped
	// being recorded from (a call ending), for the hints that wait for a
	// card to settle; hintTimer re-publishes when one has.
	cardSettled    map[string]time.Time
	statePublished bool
	hintTimer      *time.Timer
	callGrace      time.Duration // 0: defaultCallGrace

	// What listeners were last told: the lists (with Active), and the codes
	// of the audio and camera errors, so each problem is reported once.
	delivered  Lists
	audioCode  string
	cameraCode string
	scanned    bool

	deliveredStates   map[string]DeviceState
	deliveredCards    []Card
	deliveredProblems []Problem
	deliveredHints    []Problem

	listeners map[string]*mailbox
	watcher   *watcher
	// watching is watcher, for OS callback threads that must not take mu
	// (stateChanged).
	watching atomic.Pointer[watcher]
	subSeq   int

	// openCapture opens a camera for a Preview (camera_capture_*.go);
	// previews are the open ones, ended by Close.
	openCapture captureOpener
	previews    map[*Preview]struct{}
	// ctrls reads and sets camera controls (camcontrols_*.go);
	// settingsPath is where what was set is saved, settingsMu guards the
	// file, present the cameras listed at the last scan (to apply saved
	// settings to those that appear) and applying the goroutines doing so.
	ctrls        controlBackend
	settingsPath string
	settingsMu   sync.Mutex
	present      map[string]bool
	applying     sync.WaitGroup
	// applyCtx is the applying goroutines' context (made at the first
	// one, under mu), cancelled by Close.
	applyCtx    context.Context
	applyCancel context.CancelFunc

	// streamsMu serialises stream reads (routing.go), so an older read
	// never lands after a newer one; streams are the last read's listed
	// streams, deliveredStreams what listeners were last told.
	streamsMu        sync.Mutex
	streams          []Stream
	deliveredStreams []Stream
	// rules are the headset rules in force (rules.go); locks the volume
	// locks (volumelock.go).
	rules []Rule
	locks []*volumeLock
}

// New opens the audio backend and the camera probe and takes the first
// scan. It fails only when ctx is done: a missing sound server or camera
// support leaves those lists empty and is reported by Err.
func New(ctx context.Context, opts Options) (*Manager, error) {
	return newManager(ctx, opts, openMiniaudio, newCameraProbe(), startNotifiers)
}

func newManager(ctx context.Context, opts Options, openAudio audioOpener, cams cameraProbe, notifiers func(func(what)) []io.Closer) (*Manager, error) {
	m := &Manager{opts: opts, openAudio: openAudio, cameras: cams, notifiers: notifiers, openCapture: openCapture,
		ctrls: newControlBackendHook(), settingsPath: opts.CameraSettings}
	if m.settingsPath == "" {
		m.settingsPath = DefaultCameraSettingsPath()
	}
	if opts.TestPattern {
		m.cameras = withTestPattern{cams}
		m.openCapture = openTestPatternOr(openCapture)
	}
	if err := m.Refresh(ctx); err != nil && ctx.Err() != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Err reports what is missing now, joined: no sound server or audio
// backend, camera probe problems. nil when everything could be listed.
func (m *Manager) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.errLocked()
}

func (m *Manager) errLocked() error {
	return errors.Join(m.audioErr, m.camErr)
}

// AudioBackend names the audio backend in use, or "" when none is open.
func (m *Manager) AudioBackend() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.audio == nil {
		return ""
	}
	return m.audio.Name()
}

// SoundServer names the sound server in use and its version, as it
// reports them (PipeWire says "PulseAudio (on PipeWire …)"); "" when audio
// runs without one (raw ALSA, WASAPI, CoreAudio) or none is open.
func (m *Manager) SoundServer(ctx context.Context) string {
	b, err := m.backend()
	if err != nil {
		return ""
	}
	return b.Server(ctx)
}

// backend is the open audio backend, for meters and tones.
func (m *Manager) backend() (audioBackend, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, newError(CodeClosed, "the device manager is closed", "")
	}
	if m.audio != nil {
		return m.audio, nil
	}
	if m.audioErr != nil {
		return nil, asError(m.audioErr)
	}
	return nil, newError(CodeAudioUnavailable, "no audio backend is open", "retry when the sound server is running")
}

// Devices returns all three lists, with Active set.
func (m *Manager) Devices() Lists {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.listsLocked()
}

func (m *Manager) listsLocked() Lists {
	return Lists{
		AudioInputDevices:  markActive(m.sel[0], m.lists.AudioInputDevices),
		AudioOutputDevices: markActive(m.sel[1], m.lists.AudioOutputDevices),
		VideoInputDevices:  markActive(m.sel[2], m.lists.VideoInputDevices),
	}
}

// AudioInputDevices lists the microphones.
func (m *Manager) AudioInputDevices() []Info { return m.Devices().AudioInputDevices }

// AudioOutputDevices lists the speakers and headphones.
func (m *Manager) AudioOutputDevices() []Info { return m.Devices().AudioOutputDevices }

// VideoInputDevices lists the cameras.
func (m *Manager) VideoInputDevices() []Info { return m.Devices().VideoInputDevices }

// Cameras returns what the probe found about each listed camera (formats
// and sizes), in list order, with Active as VideoInputDevices has it.
func (m *Manager) Cameras() []Camera {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Camera, len(m.cams))
	copy(out, m.cams)
	active := resolveActive(m.sel[VideoInput.index()], m.lists.VideoInputDevices)
	for i := range out {
		out[i].Active = out[i].DeviceID == active
	}
	return out
}

// closeApplyWait bounds how long Close waits for the saved camera
// settings being applied to stop.
const closeApplyWait = time.Second

// waitBounded waits for wg, or for d; false when d ran out first.
func waitBounded(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// Close stops watching, ends the camera previews, drops the listeners and
// releases the audio backend. A second Close is a no-op.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	if m.hintTimer != nil {
		m.hintTimer.Stop()
	}
	previews := m.previews
	m.previews = nil
	if m.applyCancel != nil {
		m.applyCancel() // the controls backends return on it
	}
	w := m.watcher
	for id, mb := range m.listeners {
		mb.close()
		delete(m.listeners, id)
	}
	m.mu.Unlock()
	for p := range previews {
		p.Close() // outside mu: its goroutine untracks itself under mu
	}
	if w != nil {
		w.close() // outside mu: its loop may be in Refresh
	}
	m.scanMu.Lock() // wait for a Refresh in flight
	defer m.scanMu.Unlock()
	// Saved camera settings being applied: they need nothing Close frees,
	// and their context is cancelled, which the controls backends return
	// on; the wait is bounded all the same, so a backend stuck in a driver
	// call cannot hold Close (the goroutine ends when the call does).
	waitBounded(&m.applying, closeApplyWait)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.audio != nil {
		err := m.audio.Close()
		m.audio = nil
		return err
	}
	return nil
}
