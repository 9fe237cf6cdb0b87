package devices

// Change is what differs between two snapshots, by deviceId.
type Change struct {
	Added   []Info `json:"added"`
	Removed []Info `json:"removed"`
	// Changed holds devices present in both whose label, groupId, default
	// or active flag moved (the new state).
	Changed []Info `json:"changed"`
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Changed) == 0
}

// diffLists compares two snapshots kind by kind. Order within a list does
// not count as a change.
func diffLists(old, cur Lists) Change {
	ch := Change{Added: []Info{}, Removed: []Info{}, Changed: []Info{}}
	for _, k := range Kinds {
		before := map[string]Info{}
		for _, d := range old.Of(k) {
			before[d.DeviceID] = d
		}
		seen := map[string]bool{}
		for _, d := range cur.Of(k) {
			seen[d.DeviceID] = true
			prev, ok := before[d.DeviceID]
			switch {
			case !ok:
				ch.Added = append(ch.Added, d)
			case prev != d:
				ch.Changed = append(ch.Changed, d)
			}
		}
		for _, d := range old.Of(k) {
			if !seen[d.DeviceID] {
				ch.Removed = append(ch.Removed, d)
			}
		}
	}
	return ch
}
