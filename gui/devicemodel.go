package gui

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mediadesk/mediadesk/devices"
)

// pickerModel is what one device picker shows: the options in order, the
// deviceId behind each (ids[0] is devices.SystemDefault), which one is
// selected, and a note when the person's choice is not there.
type pickerModel struct {
	options  []string
	ids      []string
	selected int
	note     string
}

// buildPicker lays out a picker: "System default (X)" first, then every
// device by label (the OS default marked, equal labels numbered). The
// selection follows the saved preference: the default entry when it
// follows the OS, else the active device; a preferred device that is not
// plugged in leaves the default entry selected with a note saying so.
func buildPicker(list []devices.Info, pref devices.Preference) pickerModel {
	var def, active *devices.Info
	for i := range list {
		if list[i].Default {
			def = &list[i]
		}
		if list[i].Active {
			active = &list[i]
		}
	}
	m := pickerModel{ids: []string{devices.SystemDefault}}
	if def != nil {
		m.options = []string{fmt.Sprintf("System default (%s)", def.Label)}
	} else {
		m.options = []string{"System default"}
	}
	seen := map[string]int{}
	for _, d := range list {
		label := d.Label
		if label == "" {
			label = d.DeviceID
		}
		seen[label]++
		if n := seen[label]; n > 1 {
			label = fmt.Sprintf("%s #%d", label, n)
		}
		if d.Default {
			label += "  · default"
		}
		m.options = append(m.options, label)
		m.ids = append(m.ids, d.DeviceID)
	}
	if pref.FollowsDefault() {
		return m
	}
	if active != nil && matchesPreference(*active, pref) {
		for i, id := range m.ids {
			if i > 0 && id == active.DeviceID {
				m.selected = i
			}
		}
		return m
	}
	name := pref.Label
	if name == "" {
		name = pref.DeviceID
	}
	m.note = fmt.Sprintf("%s is not connected — using the system default until it is back.", name)
	return m
}

// matchesPreference is the Manager's restore rule seen from outside: the
// same id, or the same label (and group, when known).
func matchesPreference(d devices.Info, p devices.Preference) bool {
	if d.DeviceID == p.DeviceID {
		return true
	}
	return p.Label != "" && d.Label == p.Label && (p.GroupID == "" || d.GroupID == p.GroupID)
}

// activeID is the deviceId of the active device in list ("" if none).
func activeID(list []devices.Info) string {
	d, _ := activeInfo(list)
	return d.DeviceID
}

// activeInfo is the active device of list; false when none is.
func activeInfo(list []devices.Info) (devices.Info, bool) {
	for _, d := range list {
		if d.Active {
			return d, true
		}
	}
	return devices.Info{}, false
}

// connected names the physical devices that appeared between prev and
// next: one name per groupId that had no device at all before (a headset's
// microphone and speaker are one device), the shortest label of the group.
func connected(prev, next devices.Lists, added []devices.Info) []string {
	had := map[string]bool{}
	for _, k := range devices.Kinds {
		for _, d := range prev.Of(k) {
			had[d.GroupID] = true
		}
	}
	best := map[string]string{}
	var order []string
	for _, d := range added {
		if had[d.GroupID] || d.Label == "" {
			continue
		}
		cur, ok := best[d.GroupID]
		if !ok {
			order = append(order, d.GroupID)
		}
		if !ok || len(d.Label) < len(cur) {
			best[d.GroupID] = d.Label
		}
	}
	out := make([]string, 0, len(order))
	for _, g := range order {
		out = append(out, best[g])
	}
	return out
}

// plainError says what went wrong with the devices in words a person can
// act on.
func plainError(err error) string {
	var e *devices.Error
	if !errors.As(err, &e) {
		return "Something went wrong: " + err.Error()
	}
	switch e.Code {
	case devices.CodeSoundServerUnavailable:
		return "No sound server is running — microphones and speakers can't be listed. Cameras still work."
	case devices.CodeSoundServerLost:
		return "The sound server stopped — microphones and speakers will come back when it restarts."
	case devices.CodeAudioUnavailable:
		return "No audio system could be opened — microphones and speakers can't be listed. Cameras still work."
	case devices.CodeCameraProbeUnavailable:
		return "Cameras can't be listed on this system yet. Microphones and speakers still work."
	case devices.CodeCameraProbeFailed:
		return "Cameras could not be listed: " + e.Message
	case devices.CodeDeviceVanished:
		return "The device was unplugged."
	case devices.CodeDeviceOpenFailed:
		return "The device could not be opened (it may be busy or gone): " + e.Message
	case devices.CodeDeviceBusy:
		return "Another program is using this device exclusively — close it, or pick another device."
	case devices.CodeDeviceAccessDenied:
		return "The system denied access to this device — allow MediaDesk in the system's privacy settings."
	case devices.CodeUnknownDevice:
		return "That device is no longer there."
	}
	msg := e.Message
	if e.Details != "" {
		msg += " — " + e.Details
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// cameraSummary is what a person reads about a camera: its best picture
// in words; the formats (jargon: "YUYV 640×480") follow for whoever needs
// them, after the sentence.
func cameraSummary(c devices.Camera) string {
	best := devices.FrameSize{}
	for _, f := range c.Formats {
		for _, s := range f.Sizes {
			w, h := s.Width, s.Height
			if s.MaxWidth > 0 {
				w, h = s.MaxWidth, s.MaxHeight
			}
			if w*h > best.Width*best.Height {
				best = devices.FrameSize{Width: w, Height: h}
			}
		}
	}
	if best.Width == 0 {
		return "It does not say what pictures it sends."
	}
	name := ""
	switch {
	case best.Height >= 2160:
		name = " (4K)"
	case best.Height >= 1080:
		name = " (Full HD)"
	case best.Height >= 720:
		name = " (HD)"
	case best.Height <= 480:
		name = " (low resolution: others will see you blurred)"
	}
	return fmt.Sprintf("Its sharpest picture: %d×%d%s. Formats: %s.", best.Width, best.Height, name, formatSummary(c))
}

// formatSummary is a camera's formats in one line: "MJPG 1920×1080,
// 1280×720 · YUYV 640×480", largest sizes first, at most four each.
func formatSummary(c devices.Camera) string {
	var parts []string
	for _, f := range c.Formats {
		sizes := append([]devices.FrameSize(nil), f.Sizes...)
		sort.Slice(sizes, func(i, j int) bool { return sizes[i].Width*sizes[i].Height > sizes[j].Width*sizes[j].Height })
		var ss []string
		for i, s := range sizes {
			if i == 4 {
				ss = append(ss, fmt.Sprintf("+%d more", len(sizes)-4))
				break
			}
			if s.MaxWidth > 0 {
				ss = append(ss, fmt.Sprintf("%d×%d–%d×%d", s.Width, s.Height, s.MaxWidth, s.MaxHeight))
			} else {
				ss = append(ss, fmt.Sprintf("%d×%d", s.Width, s.Height))
			}
		}
		p := f.FourCC
		if len(ss) > 0 {
			p += " " + strings.Join(ss, ", ")
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "No formats reported"
	}
	return strings.Join(parts, " · ")
}
