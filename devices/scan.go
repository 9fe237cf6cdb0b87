package devices

import (
	"context"
)

// Refresh scans all devices again. If the audio backend is not open (no
// sound server at start, or it went away), it tries to open it first, so a
// Retry button needs nothing more. The error is the same as Err's after
// the scan. A scan cancelled by ctx changes nothing: the backend and the
// lists stay as they were.
func (m *Manager) Refresh(ctx context.Context) error { return m.refresh(ctx, dirtyAll) }

// refresh scans what d names (audio, cameras, or both) and reuses the last
// results for the rest: a volume change or a sound-card uevent does not
// open every /dev/video* node (which wakes USB cameras from autosuspend).
func (m *Manager) refresh(ctx context.Context, d what) error {
	if d&dirtyStreams != 0 {
		defer m.refreshStreams(ctx) // after the lists, so their names are current
	}
	if d&(dirtyAudio|dirtyVideo) == 0 {
		if d&dirtyState != 0 {
			return m.refreshState(ctx)
		}
		return nil
	}
	m.scanMu.Lock()
	defer m.scanMu.Unlock()

	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return newError(CodeClosed, "the device manager is closed", "")
	}
	if !m.scanned {
		d = dirtyAll
	}
	audio, raw, audioErr := m.audio, m.raw, m.audioErr
	cams, camErr := m.probed, m.camErr
	m.mu.Unlock()

	if d&dirtyAudio != 0 {
		next, r, err := m.scanAudio(ctx, audio)
		// Keep whichever backend the scan left open (it may have reopened
		// it), even if ctx ends now, so nothing leaks and nothing closed
		// stays.
		m.mu.Lock()
		if m.closed {
			m.mu.Unlock()
			if next != nil {
				next.Close()
			}
			return newError(CodeClosed, "the device manager is closed", "")
		}
		m.audio = next
		m.mu.Unlock()
		if next != audio { // a backend of its own: tell it whom to tell
			watchState(next, m.stateChanged)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		raw, audioErr = r, err
	}
	if d&dirtyVideo != 0 {
		c, err := m.cameras.Cameras(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		cams, camErr = c, err
	}
	lists, camList := m.build(raw, cams)

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	m.raw, m.audioErr = raw, audioErr
	m.probed, m.camErr = cams, camErr
	if d&dirtyAudio != 0 {
		m.states, m.cards = statesFrom(raw), nil
		if m.audio != nil {
			m.cards = m.audio.Cards()
		}
	}
	m.lists = lists
	m.cams = camList
	m.applySavedLocked(camList)
	m.publishLocked()
	return m.errLocked()
}

// scanAudio enumerates audio and returns the backend to keep, the listing
// and the problem to report.
//
//   - No backend yet: open one (the sound server, else the fallback).
//   - On the fallback (raw ALSA, because the sound server was missing):
//     keep it, and see beside it whether the server is back; swap only when
//     the server lists devices, ending the fallback's streams (meters say
//     why). Closing a working fallback on every scan would kill its meters.
//   - A backend whose scan fails (the sound server died and came back, so
//     its connection is dead) is closed and opened afresh once, so one
//     Refresh is enough after a restart.
//   - A scan cancelled by ctx closes nothing: the backend is kept as it is.
func (m *Manager) scanAudio(ctx context.Context, cur audioBackend) (audioBackend, []rawAudio, error) {
	if cur != nil && cur.Fallback() {
		if srv, _, err := m.openAudio(true); err == nil {
			raw, err := srv.Enumerate(ctx)
			if err == nil {
				cur.Close()
				m.setAudioWarn(nil)
				return srv, raw, nil
			}
			srv.Close()
			if ctx.Err() != nil {
				return cur, nil, ctx.Err()
			}
		}
	}
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		if cur == nil {
			a, warn, err := m.openAudio(false)
			if err != nil {
				return nil, nil, err
			}
			cur = a
			m.setAudioWarn(warn)
		}
		raw, err := cur.Enumerate(ctx)
		if err == nil {
			return cur, raw, m.fallbackWarn(cur)
		}
		if ctx.Err() != nil {
			return cur, nil, ctx.Err()
		}
		cur.Close()
		cur = nil
		lastErr = err
	}
	return nil, nil, lastErr
}

func (m *Manager) setAudioWarn(w *Error) {
	m.mu.Lock()
	m.audioWarn = w
	m.mu.Unlock()
}

// fallbackWarn says why the list may be short on a fallback backend: a
// plain nil error otherwise.
func (m *Manager) fallbackWarn(b audioBackend) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b.Fallback() && m.audioWarn != nil {
		return m.audioWarn
	}
	return nil
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
		d := Info{DeviceID: r.ID, Kind: r.Kind, Label: r.Label, GroupID: groupIDFor(r.GroupKey, r.ID), Default: r.Default}
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
