package devices

// Preference is a remembered choice for one kind, in a form that can be
// saved (e.g. in app preferences) and restored even when the device is not
// plugged in at the time. A zero Preference follows the OS default.
type Preference struct {
	DeviceID string `json:"deviceId,omitempty"`
	Label    string `json:"label,omitempty"`
	GroupID  string `json:"groupId,omitempty"`
}

// FollowsDefault reports whether this preference follows the OS default.
func (p Preference) FollowsDefault() bool { return p.DeviceID == "" }

// Preference returns the current choice for kind k, to save; the zero
// Preference for a kind that is not one of the three.
func (m *Manager) Preference(k Kind) Preference {
	if k.index() < 0 {
		return Preference{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	sel := m.sel[k.index()]
	if !sel.preferred {
		return Preference{}
	}
	return Preference{DeviceID: sel.id, Label: sel.label, GroupID: sel.groupID}
}

// SetPreference restores a saved choice. Unlike Set…Device it accepts a
// device that is absent now: the OS default is active until it appears
// (matched by id, then label and groupId), as it is after an unplug.
func (m *Manager) SetPreference(k Kind, p Preference) error {
	return m.choose(k, func() (selection, error) {
		if p.FollowsDefault() {
			return selection{}, nil
		}
		return selection{preferred: true, id: p.DeviceID, label: p.Label, groupID: p.GroupID}, nil
	})
}
