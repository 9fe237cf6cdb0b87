package devices

import (
	"errors"
	"fmt"
	"time"
)

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
		m.publishStateLocked()
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
	if rules := m.rulesForLocked(ch.Added); len(rules) > 0 {
		go m.applyRules(rules) // rules.go: off our locks
	}
	var ev *Event
	if !ch.Empty() {
		ev = &Event{At: time.Now(), Lists: cur, Change: ch}
	}
	m.delivered = cur
	m.deliverLocked(ev, errs)
	m.publishStateLocked()
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
			errs = append(errs, newError(CodeDeviceVanished, vanishedMessage(was), now))
		}
	}
	return errs
}

// vanishedMessage says that a chosen device is gone without guessing
// why: a microphone or speaker also goes when its card switches to a
// profile without it (a headset into its music mode), not only when it is
// unplugged.
func vanishedMessage(d Info) string {
	if d.Kind == VideoInput {
		return fmt.Sprintf("%s (%s) is no longer available: it was unplugged or switched off", d.Label, d.Kind)
	}
	return fmt.Sprintf("%s (%s) is no longer available: it was unplugged, or its card switched to a profile without it", d.Label, d.Kind)
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
