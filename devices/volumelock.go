package devices

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// ProblemVolumeLockStopped: a volume lock gave up because something kept
// changing the volume back (a call app's automatic gain control turned
// on, another tool holding its own level). Only a person can settle it.
const ProblemVolumeLockStopped = "VOLUME_LOCK_STOPPED"

// The lock's bounds: it puts the volume back at most lockMaxRestores times
// in lockWindow; one more change in that time stops it (and says so as a
// problem) instead of fighting in a loop. The window is 3 s, not 1: a
// restore takes a round trip and a state read, and on a busy machine a
// fight at full speed came to only 3 restores a second, under a 1 s
// window's bound, and went on for ever (make test caught it). More than
// 2 a second for 3 s is a fight; a call app's gain control or a person's
// one change is not.
const (
	lockMaxRestores = 6
	lockWindow      = 3 * time.Second
	// lockTolerance: a volume this close to the lock's is the lock's (the
	// server rounds to its own steps).
	lockTolerance = 0.005
)

// VolumeLock is "keep this microphone at N %": whenever another program
// changes the volume of the device, MediaDesk puts it back.
type VolumeLock struct {
	Kind     Kind    `json:"kind"`
	DeviceID string  `json:"deviceId"`
	Volume   float64 `json:"volume"`
	// Stopped is set when the lock gave up (ProblemVolumeLockStopped).
	Stopped bool `json:"stopped"`
}

type volumeLock struct {
	VolumeLock
	restores  []time.Time // the restores within lockWindow
	restoring bool
}

// LockVolume sets a listed microphone's or speaker's volume to v now and
// keeps it there: a change by anyone else is put back (within about
// 100 ms, through the sound server's change events), at most
// lockMaxRestores times in lockWindow; past that the lock stops and Problems
// has a VOLUME_LOCK_STOPPED for the device. Locking again (or
// UnlockVolume) clears it.
func (m *Manager) LockVolume(ctx context.Context, k Kind, id string, v float64) error {
	if err := m.SetVolume(ctx, k, id, v); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	m.locks = slices.DeleteFunc(m.locks, func(l *volumeLock) bool { return l.Kind == k && l.DeviceID == id })
	m.locks = append(m.locks, &volumeLock{VolumeLock: VolumeLock{Kind: k, DeviceID: id, Volume: v}})
	if m.watcher == nil {
		m.startWatching()
	}
	m.publishStateLocked() // a stopped lock's problem goes
	return nil
}

// UnlockVolume stops holding a device's volume (and forgets a stopped
// lock's problem); a device with no lock is ignored.
func (m *Manager) UnlockVolume(k Kind, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.locks = slices.DeleteFunc(m.locks, func(l *volumeLock) bool { return l.Kind == k && l.DeviceID == id })
	if !m.closed {
		m.publishStateLocked()
	}
}

// SetVolumeLocks replaces the locks with saved ones (rules.json's, at
// start): a listed device is put at its lock's volume now, one that is not
// listed when it appears (its first state read checks it). A lock already
// held at the same volume keeps its state (a stopped one stays stopped), so
// applying the same saved locks twice changes nothing. A camera's lock, one
// without a device id or a volume outside 0–1 is an error and changes
// nothing.
func (m *Manager) SetVolumeLocks(locks []VolumeLock) error {
	if err := checkLocks(locks); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	next := make([]*volumeLock, 0, len(locks))
	for _, l := range locks {
		i := slices.IndexFunc(m.locks, func(h *volumeLock) bool {
			return h.Kind == l.Kind && h.DeviceID == l.DeviceID && h.Volume == l.Volume
		})
		if i >= 0 {
			next = append(next, m.locks[i])
			continue
		}
		l.Stopped = false
		next = append(next, &volumeLock{VolumeLock: l})
	}
	m.locks = next
	if m.watcher == nil && len(locks) > 0 {
		m.startWatching()
	}
	m.publishStateLocked() // puts listed devices at their volume now
	return nil
}

// VolumeLocks returns the locks, stopped ones included.
func (m *Manager) VolumeLocks() []VolumeLock {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]VolumeLock, 0, len(m.locks))
	for _, l := range m.locks {
		out = append(out, l.VolumeLock)
	}
	return out
}

// checkLocksLocked runs after every state read: a locked device whose
// volume moved is put back (off our locks), or the lock stops when it has
// been put back too often.
func (m *Manager) checkLocksLocked(now time.Time) {
	for _, l := range m.locks {
		if l.Stopped || l.restoring {
			continue
		}
		s, ok := m.states[stateKey(l.Kind, l.DeviceID)]
		if !ok || math.Abs(s.Volume-l.Volume) <= lockTolerance {
			continue
		}
		l.restores = slices.DeleteFunc(l.restores, func(t time.Time) bool { return now.Sub(t) > lockWindow })
		if len(l.restores) >= lockMaxRestores {
			l.Stopped = true
			continue
		}
		l.restores = append(l.restores, now)
		l.restoring = true
		go m.restore(l)
	}
}

// restore puts a lock's volume back and reads the state again (which
// checks the lock once more).
func (m *Manager) restore(l *volumeLock) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := m.stateTarget(l.Kind, l.DeviceID)
	if err == nil {
		err = b.SetVolume(ctx, l.Kind, l.DeviceID, l.Volume)
	}
	m.mu.Lock()
	l.restoring = false
	m.mu.Unlock()
	if err == nil {
		_ = m.refreshState(ctx)
	}
}

// lockProblemsLocked are the stopped locks, as problems.
func (m *Manager) lockProblemsLocked() []Problem {
	var out []Problem
	for _, l := range m.locks {
		if !l.Stopped {
			continue
		}
		out = append(out, Problem{Code: ProblemVolumeLockStopped, Kind: l.Kind, DeviceID: l.DeviceID,
			Message: fmt.Sprintf("Another program keeps changing the volume of %s (more than %d times in %.0f seconds): MediaDesk stopped keeping it at %.0f %%",
				l.DeviceID, lockMaxRestores, lockWindow.Seconds(), l.Volume*100),
			Fix: "turn off automatic volume or gain control in your call app, then lock the volume again"})
	}
	return out
}

// checkLocks is SetVolumeLocks' check of its input, before anything changes.
func checkLocks(locks []VolumeLock) error {
	for _, l := range locks {
		if err := checkAudioTarget("a volume lock", "have a volume", l.Kind, l.DeviceID); err != nil {
			return err
		}
		if !(l.Volume >= 0 && l.Volume <= 1) { // NaN fails both
			return newError(CodeInvalidVolume, fmt.Sprintf("a volume lock for %s at %v: the volume is from 0 to 1", l.DeviceID, l.Volume), "")
		}
	}
	return nil
}
