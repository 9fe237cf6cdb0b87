package devices

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
type Manager struct {
	opts Options

	// scanMu serialises scans so at most one enumeration runs at a time.
	scanMu sync.Mutex

	mu        sync.Mutex
	audio     audioSource // nil while no audio backend could be opened
	openAudio func() (audioSource, *Error, error)
	audioErr  error
	cameras   cameraProbe
	camErr    error
	lists     Lists    // without Active; applied on read
	cams      []Camera // details of the listed cameras
	sel       [3]selection
	closed    bool

	// What listeners were last told: the lists (with Active), and the codes
	// of the audio and camera errors, so each problem is reported once.
	delivered  Lists
	audioCode  string
	cameraCode string
	scanned    bool

	listeners map[string]*mailbox
	watcher   *watcher
	subSeq    int
}

// New opens the audio backend and the camera probe and takes the first
// scan. It fails only when ctx is done: a missing sound server or camera
// support leaves those lists empty and is reported by Err.
func New(ctx context.Context, opts Options) (*Manager, error) {
	return newManager(ctx, opts, openPlatformAudio, newCameraProbe())
}

func openPlatformAudio() (audioSource, *Error, error) {
	a, warn, err := openMalgoAudio()
	if err != nil {
		return nil, warn, err
	}
	return a, warn, nil
}

func newManager(ctx context.Context, opts Options, openAudio func() (audioSource, *Error, error), cams cameraProbe) (*Manager, error) {
	m := &Manager{opts: opts, openAudio: openAudio, cameras: cams}
	if err := m.Refresh(ctx); err != nil && ctx.Err() != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Refresh scans all devices again. If the audio backend is not open (no
// sound server at start, or it went away), it tries to open it first, so a
// Retry button needs nothing more. The error is the same as Err's after
// the scan.
func (m *Manager) Refresh(ctx context.Context) error {
	m.scanMu.Lock()
	defer m.scanMu.Unlock()

	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return newError(CodeClosed, "the device manager is closed", "")
	}
	audio := m.audio
	m.mu.Unlock()

	audio, raw, audioErr := m.scanAudio(ctx, audio)
	// Keep whichever backend the scan left open (it may have reopened it),
	// even if ctx ends now, so nothing leaks and nothing closed stays.
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		if audio != nil {
			audio.Close()
		}
		return newError(CodeClosed, "the device manager is closed", "")
	}
	m.audio = audio
	m.mu.Unlock()
	if ctx.Err() != nil {
		return ctx.Err()
	}

	cams, camErr := m.cameras.Cameras(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	lists, camList := m.build(raw, cams)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	m.audioErr = audioErr
	m.camErr = camErr
	m.lists = lists
	m.cams = camList
	m.publishLocked()
	return m.errLocked()
}

// publishLocked tells listeners what changed since they were last told:
// new problems first (once each), then the list update. The first scan is
// the initial list and is not an event.
func (m *Manager) publishLocked() {
	cur := m.listsLocked()
	if !m.scanned {
		m.scanned = true
		m.delivered = cur
		m.audioCode = errCode(m.audioErr)
		m.cameraCode = errCode(m.camErr)
		return
	}
	var errs []*Error
	if code := errCode(m.audioErr); code != m.audioCode {
		if code != "" {
			if m.audioCode == "" {
				// Audio worked at the last report: the server went away.
				errs = append(errs, wrapError(CodeSoundServerLost, "the sound server went away",
					"MediaDesk reconnects when it is back; until then microphones and speakers can't be listed", m.audioErr))
			} else {
				errs = append(errs, asError(m.audioErr))
			}
		}
		m.audioCode = code
	}
	if code := errCode(m.camErr); code != m.cameraCode {
		if code != "" {
			errs = append(errs, asError(m.camErr))
		}
		m.cameraCode = code
	}
	if m.audioErr == nil {
		errs = append(errs, m.vanishedLocked(cur)...)
	}
	ch := diffLists(m.delivered, cur)
	var ev *Event
	if !ch.Empty() {
		ev = &Event{At: time.Now(), Lists: cur, Change: ch}
	}
	m.delivered = cur
	m.deliverLocked(ev, errs)
}

// vanishedLocked reports a chosen device that was active and is gone now.
func (m *Manager) vanishedLocked(cur Lists) []*Error {
	var errs []*Error
	for _, k := range Kinds {
		sel := m.sel[k.index()]
		if !sel.preferred {
			continue
		}
		var was Info
		for _, d := range m.delivered.Of(k) {
			if d.Active && d.DeviceID == sel.id {
				was = d
			}
		}
		if was.DeviceID == "" {
			continue
		}
		now := "no " + string(k) + " device is left"
		for _, d := range cur.Of(k) {
			if d.DeviceID == sel.id {
				now = ""
				break
			}
			if d.Active {
				now = "using " + d.Label + " instead until it is back"
			}
		}
		if now != "" {
			errs = append(errs, newError(CodeDeviceVanished, fmt.Sprintf("%s (%s) was disconnected", was.Label, k), now))
		}
	}
	return errs
}

func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "UNKNOWN"
	}
	return ""
}

// asError gives any error the CometChatCallsException shape.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return wrapError(CodeEnumerationFailed, "listing devices failed", "", err)
}

// scanAudio enumerates audio, opening the backend first when there is
// none. A backend whose scan fails (the sound server died and came back, so
// its connection is dead) is closed and opened afresh once, so one Refresh
// is enough after a restart.
func (m *Manager) scanAudio(ctx context.Context, audio audioSource) (audioSource, []rawAudio, error) {
	if audio != nil && audio.Fallback() {
		// On raw ALSA because the sound server was missing: try it again
		// first, so a server that comes back is used at once.
		audio.Close()
		audio = nil
	}
	var warn, lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		if audio == nil {
			a, w, err := m.openAudio()
			if err != nil {
				return nil, nil, err
			}
			audio = a
			if w != nil {
				warn = w // fell back to raw ALSA: say why the list may be short
			}
		}
		raw, err := audio.Enumerate(ctx)
		if err == nil {
			return audio, raw, warn
		}
		audio.Close()
		audio = nil
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		lastErr = err
	}
	return nil, nil, lastErr
}

// build turns backend results into the three lists, applying the filters.
func (m *Manager) build(raw []rawAudio, cams []Camera) (Lists, []Camera) {
	var l Lists
	l.AudioInputDevices = []Info{}
	l.AudioOutputDevices = []Info{}
	l.VideoInputDevices = []Info{}
	for _, r := range raw {
		if r.Monitor && !m.opts.IncludeMonitors {
			continue
		}
		d := Info{DeviceID: r.ID, Kind: r.Kind, Label: r.Label, GroupID: groupIDFor(r.GroupKey), Default: r.Default}
		if r.Kind == AudioInput {
			l.AudioInputDevices = append(l.AudioInputDevices, d)
		} else {
			l.AudioOutputDevices = append(l.AudioOutputDevices, d)
		}
	}
	var kept []Camera
	for _, c := range cams {
		if c.Infrared && !m.opts.IncludeInfrared {
			continue
		}
		kept = append(kept, c)
	}
	for i := range kept {
		// Cameras have no OS default; the first in node order stands in for
		// it, as it does in browsers.
		kept[i].Default = i == 0
		l.VideoInputDevices = append(l.VideoInputDevices, kept[i].Info)
	}
	return l, kept
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
	return m.audio.Backend()
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
// and sizes), in list order.
func (m *Manager) Cameras() []Camera {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Camera, len(m.cams))
	copy(out, m.cams)
	return out
}

// current returns the active device of a kind; ok is false when the list
// is empty.
func (m *Manager) current(k Kind) (Info, bool) {
	for _, d := range m.Devices().Of(k) {
		if d.Active {
			return d, true
		}
	}
	return Info{}, false
}

// CurrentAudioInputDevice returns the active microphone.
func (m *Manager) CurrentAudioInputDevice() (Info, bool) { return m.current(AudioInput) }

// CurrentAudioOutputDevice returns the active speaker.
func (m *Manager) CurrentAudioOutputDevice() (Info, bool) { return m.current(AudioOutput) }

// CurrentVideoInputDevice returns the active camera.
func (m *Manager) CurrentVideoInputDevice() (Info, bool) { return m.current(VideoInput) }

// SystemDefault, passed to a Set…Device method, follows the OS default.
const SystemDefault = ""

// set selects a device by id. SystemDefault follows the OS default; an id
// not in the current list is an error matching ErrUnknownDevice and leaves
// the selection as it was.
func (m *Manager) set(k Kind, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	if id == SystemDefault {
		m.sel[k.index()] = selection{}
		m.publishLocked()
		return nil
	}
	for _, d := range m.lists.Of(k) {
		if d.DeviceID == id {
			m.sel[k.index()] = selection{preferred: true, id: id, label: d.Label, groupID: d.GroupID}
			m.publishLocked()
			return nil
		}
	}
	return newError(CodeUnknownDevice, fmt.Sprintf("no %s device with id %q", k, id),
		"list the devices again (mediadesk devices) and use one of the ids shown")
}

// SetAudioInputDevice selects a microphone by deviceId.
func (m *Manager) SetAudioInputDevice(id string) error { return m.set(AudioInput, id) }

// SetAudioOutputDevice selects a speaker by deviceId.
func (m *Manager) SetAudioOutputDevice(id string) error { return m.set(AudioOutput, id) }

// SetVideoInputDevice selects a camera by deviceId.
func (m *Manager) SetVideoInputDevice(id string) error { return m.set(VideoInput, id) }

// Close stops watching, drops the listeners and releases the audio
// backend. A second Close is a no-op.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	w := m.watcher
	for id, mb := range m.listeners {
		mb.close()
		delete(m.listeners, id)
	}
	m.mu.Unlock()
	if w != nil {
		w.close() // outside mu: its loop may be in Refresh
	}
	m.scanMu.Lock() // wait for a Refresh in flight
	defer m.scanMu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.audio != nil {
		err := m.audio.Close()
		m.audio = nil
		return err
	}
	return nil
}
