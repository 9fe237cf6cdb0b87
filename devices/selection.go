package devices

import "fmt"

// selection is what a person chose for one kind. The zero value follows
// the OS default.
type selection struct {
	// preferred is false when following the OS default.
	preferred bool
	id        string
	// label and groupID let a device be recognised when it comes back under
	// another id (e.g. an ALSA card re-enumerated, or a saved preference
	// from another backend).
	label   string
	groupID string
}

// resolveActive picks the device that is active for a selection: the
// preferred device by id, then by label and groupId, then by label alone;
// otherwise the OS default; otherwise the first device. Never "nothing"
// while any device exists. It returns "" only for an empty list.
func resolveActive(sel selection, list []Info) string {
	if len(list) == 0 {
		return ""
	}
	if sel.preferred {
		for _, d := range list {
			if d.DeviceID == sel.id {
				return d.DeviceID
			}
		}
		if sel.label != "" {
			for _, d := range list {
				if d.Label == sel.label && d.GroupID == sel.groupID {
					return d.DeviceID
				}
			}
			var match string
			n := 0
			for _, d := range list {
				if d.Label == sel.label {
					match = d.DeviceID
					n++
				}
			}
			if n == 1 { // only when the label is unambiguous
				return match
			}
		}
	}
	for _, d := range list {
		if d.Default {
			return d.DeviceID
		}
	}
	return list[0].DeviceID
}

// markActive sets Active on the resolved device and clears it elsewhere.
func markActive(sel selection, list []Info) []Info {
	active := resolveActive(sel, list)
	out := make([]Info, len(list))
	for i, d := range list {
		d.Active = d.DeviceID == active
		out[i] = d
	}
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
	return m.choose(k, func() (selection, error) {
		if id == SystemDefault {
			return selection{}, nil
		}
		d, err := m.listed(k, id)
		if err != nil {
			return selection{}, err
		}
		return selection{preferred: true, id: id, label: d.Label, groupID: d.GroupID}, nil
	})
}

// listed finds id in the current list of kind k (m.mu held); one not
// listed is an error matching ErrUnknownDevice.
func (m *Manager) listed(k Kind, id string) (Info, error) {
	for _, d := range m.lists.Of(k) {
		if d.DeviceID == id {
			return d, nil
		}
	}
	return Info{}, unknownDevice(k, id, nil)
}

// unknownDevice is the ErrUnknownDevice error for id, with its cause (nil
// when the id is simply not listed).
func unknownDevice(k Kind, id string, cause error) *Error {
	return wrapError(CodeUnknownDevice, fmt.Sprintf("no %s device with id %q", k, id),
		"list the devices again (mediadesk devices) and use one of the ids shown", cause)
}

// choose makes the selection pick returns (called with m.mu held) the
// current one for kind k, and tells listeners what that changes. An
// unknown kind, a closed Manager or pick's error leave everything as it
// was.
func (m *Manager) choose(k Kind, pick func() (selection, error)) error {
	if k.index() < 0 {
		_, err := ParseKind(string(k))
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newError(CodeClosed, "the device manager is closed", "")
	}
	sel, err := pick()
	if err != nil {
		return err
	}
	m.sel[k.index()] = sel
	m.publishLocked()
	return nil
}

// SetAudioInputDevice selects a microphone by deviceId.
func (m *Manager) SetAudioInputDevice(id string) error { return m.set(AudioInput, id) }

// SetAudioOutputDevice selects a speaker by deviceId.
func (m *Manager) SetAudioOutputDevice(id string) error { return m.set(AudioOutput, id) }

// SetVideoInputDevice selects a camera by deviceId.
func (m *Manager) SetVideoInputDevice(id string) error { return m.set(VideoInput, id) }
