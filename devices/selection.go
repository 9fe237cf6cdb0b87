package devices

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
