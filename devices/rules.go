package devices

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Rule is "when this device connects, use it in all apps": when a
// microphone or speaker matching it appears in the list (plugged in,
// paired, or its card switched to a profile with it), MediaDesk makes it
// the system default (SetSystemDefault), moving the running apps' streams
// when Move is set. It matches by DeviceID, else by Label when exactly one
// newly listed device has it (the id of the same headset can differ
// between USB ports or backends), as a saved selection does. When the
// device leaves, the OS falls back to another default by itself.
type Rule struct {
	Kind     Kind   `json:"kind"`
	DeviceID string `json:"deviceId"`
	Label    string `json:"label,omitempty"`
	Move     bool   `json:"move"`
}

// ruleApplyTimeout bounds one rule's default change and moves.
const ruleApplyTimeout = 5 * time.Second

// SetRules replaces the rules (the caller saves them: the window and the
// CLI both in rules.json, SaveSaved) and starts watching for devices to
// apply them to. A rule for a camera, or without a device id, is an error
// and changes nothing.
func (m *Manager) SetRules(rules []Rule) error {
	for _, r := range rules {
		if err := checkAudioTarget("a rule", "have a system default", r.Kind, r.DeviceID); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	m.rules = slices.Clone(rules)
	if m.watcher == nil && len(rules) > 0 {
		m.startWatching()
	}
	return nil
}

// Rules returns the rules in force.
func (m *Manager) Rules() []Rule {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.rules)
}

// rulesForLocked picks, for the devices just added, the rules to apply:
// at most one per kind (the first rule that matches), with the matched
// device's id.
func (m *Manager) rulesForLocked(added []Info) []Rule {
	var out []Rule
	for _, k := range []Kind{AudioInput, AudioOutput} {
		var fresh []Info
		for _, d := range added {
			if d.Kind == k {
				fresh = append(fresh, d)
			}
		}
		if len(fresh) == 0 {
			continue
		}
	rules:
		for _, r := range m.rules {
			if r.Kind != k {
				continue
			}
			var byLabel []Info
			for _, d := range fresh {
				if d.DeviceID == r.DeviceID {
					out = append(out, r)
					break rules
				}
				if r.Label != "" && d.Label == r.Label {
					byLabel = append(byLabel, d)
				}
			}
			if len(byLabel) == 1 && !m.listsHaveLocked(k, r.DeviceID) {
				r.DeviceID = byLabel[0].DeviceID
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (m *Manager) listsHaveLocked(k Kind, id string) bool {
	for _, d := range m.lists.Of(k) {
		if d.DeviceID == id {
			return true
		}
	}
	return false
}

// applyRules makes each matched device the default, off the caller's
// locks; a failure reaches listeners as an onError.
func (m *Manager) applyRules(rules []Rule) {
	for _, r := range rules {
		ctx, cancel := context.WithTimeout(context.Background(), ruleApplyTimeout)
		_, err := m.SetSystemDefault(ctx, r.Kind, r.DeviceID, r.Move)
		cancel()
		if err != nil {
			e := wrapError(asError(err).Code, fmt.Sprintf("the rule for %s could not make it the default", r.DeviceID),
				"check the sound server; the rule applies again when the device reconnects", err)
			m.mu.Lock()
			m.deliverLocked(nil, []*Error{e})
			m.mu.Unlock()
		}
	}
}

// checkAudioTarget is what a rule and a volume lock both need: a
// microphone or a speaker, named by its id. what names the setting in the
// message ("a rule"), has what only audio devices have.
func checkAudioTarget(what, has string, k Kind, id string) error {
	if k != AudioInput && k != AudioOutput {
		return newError(CodeInvalidKind, fmt.Sprintf("%s for %q: only microphones and speakers %s", what, k, has),
			"use audioinput or audiooutput")
	}
	if id == "" {
		return newError(CodeUnknownDevice, what+" needs a device id", "give the id mediadesk devices shows")
	}
	return nil
}
