package mmdevice

import (
	"sort"
	"strings"
)

// Portable: linking a Bluetooth headset's endpoints, unit-tested on every
// OS (headset_test.go) on endpoint lists as Windows names them.
//
// Windows shows a Bluetooth headset as separate endpoints at once: its
// Hands-Free profile (HFP/HSP; a mono speaker and the microphone, named
// "Headset (X Hands-Free AG Audio)" on Windows 10, "… Hands-Free" on
// Windows 11) and its Stereo profile (A2DP; a speaker only, "Headphones
// (X Stereo)"). All of them carry the headset's container id. Windows has
// no API for a program to switch the headset between them: using the
// Hands-Free microphone switches it, and the Stereo endpoint then goes
// quiet.

// FormFactor is an endpoint's PKEY_AudioEndpoint_FormFactor
// (EndpointFormFactor).
type FormFactor uint32

// The form factors the linking looks at (mmdeviceapi.h).
const (
	FormSpeakers   FormFactor = 1
	FormHeadphones FormFactor = 3
	FormMicrophone FormFactor = 4
	FormHeadset    FormFactor = 5
	FormHandset    FormFactor = 6
	FormUnknown    FormFactor = 10
)

// EndpointProps are the endpoint properties the linking reads.
type EndpointProps struct {
	// Name is PKEY_Device_FriendlyName: "Headset (WH-1000XM4 Hands-Free
	// AG Audio)".
	Name string `json:"name"`
	// Interface is PKEY_DeviceInterface_FriendlyName: "WH-1000XM4
	// Hands-Free AG Audio".
	Interface  string     `json:"interface"`
	FormFactor FormFactor `json:"formFactor"`
}

// Endpoint is one listed WASAPI endpoint, as the linking sees it.
type Endpoint struct {
	ID    string `json:"id"`
	Input bool   `json:"input"`
	EndpointProps
	// Container is its ContainerKey ("" when it has none, as under Wine).
	Container string `json:"container"`
}

// Mode is which of a headset's profiles an endpoint belongs to.
type Mode string

// The two modes, and the profile names MediaDesk gives them.
const (
	ModeHandsFree Mode = "hands-free"
	ModeStereo    Mode = "stereo"
)

// Member is one endpoint of a linked headset.
type Member struct {
	ID    string
	Input bool
	Mode  Mode
}

// Headset is a Bluetooth headset's endpoints linked into one card.
type Headset struct {
	// Name is the card's name: "bt:" and the container id (or, where the
	// system gives none, "bt-name:" and the headset's name).
	Name string
	// Label is the headset's own name ("WH-1000XM4").
	Label   string
	Members []Member
}

// ModeLabel is how a mode reads in a profile list.
func ModeLabel(m Mode) string {
	if m == ModeHandsFree {
		return "Hands-Free (calls; has the microphone)"
	}
	return "Stereo (music; no microphone)"
}

// Count is how many inputs and outputs a headset has in mode m.
func (h Headset) Count(m Mode) (inputs, outputs int) {
	for _, e := range h.Members {
		if e.Mode != m {
			continue
		}
		if e.Input {
			inputs++
		} else {
			outputs++
		}
	}
	return inputs, outputs
}

// The names' endings Windows' Bluetooth audio driver gives each profile's
// device interface, lower case. Longest first: they are cut off to find
// the headset's own name.
var modeSuffixes = []struct {
	suffix string
	mode   Mode
}{
	{" hands-free ag audio", ModeHandsFree},
	{" hands-free ag", ModeHandsFree},
	{" hands-free", ModeHandsFree},
	{" handsfree", ModeHandsFree},
	{" hands free", ModeHandsFree},
	{" stereo", ModeStereo},
	{" a2dp", ModeStereo},
}

// nameMode finds a mode in an endpoint's names, and the headset's own name
// in front of it: the interface name, else what the friendly name has in
// its last parentheses ("Headphones (X Stereo)").
func nameMode(e Endpoint) (Mode, string) {
	for _, n := range []string{e.Interface, inParens(e.Name), e.Name} {
		n = strings.TrimSpace(n)
		l := strings.ToLower(n)
		for _, s := range modeSuffixes {
			if strings.HasSuffix(l, s.suffix) && len(n) > len(s.suffix) {
				return s.mode, strings.TrimSpace(n[:len(n)-len(s.suffix)])
			}
		}
	}
	return "", ""
}

func inParens(s string) string {
	s = strings.TrimSpace(s)
	i := strings.LastIndex(s, "(")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return ""
	}
	return s[i+1 : len(s)-1]
}

// LinkHeadsets finds the Bluetooth headsets among the endpoints: endpoints
// that share a container id (or, with no container id, the same headset
// name before a Hands-Free/Stereo ending) where at least one speaker is
// Stereo and at least one endpoint is Hands-Free. In such a group every
// microphone is Hands-Free (A2DP has none), and a speaker whose name says
// nothing goes by its form factor (Headset: Hands-Free; Headphones:
// Stereo); one that still says nothing is left out. A USB headset (one
// speaker, one microphone) is no such group. Sorted by name.
func LinkHeadsets(eps []Endpoint) []Headset {
	type group struct {
		key, label string
		eps        []Endpoint
	}
	groups := map[string]*group{}
	var order []string
	for _, e := range eps {
		mode, name := nameMode(e)
		key := ""
		switch {
		case e.Container != "":
			key = "bt:" + strings.TrimPrefix(e.Container, "container:")
		case mode != "" && name != "":
			key = "bt-name:" + strings.ToLower(name)
		default:
			continue
		}
		g := groups[key]
		if g == nil {
			g = &group{key: key}
			groups[key] = g
			order = append(order, key)
		}
		if g.label == "" && name != "" {
			g.label = name
		}
		g.eps = append(g.eps, e)
	}
	var out []Headset
	for _, key := range order {
		g := groups[key]
		h := Headset{Name: g.key, Label: g.label}
		stereo, handsFree := false, false
		for _, e := range g.eps {
			mode, _ := nameMode(e)
			switch {
			case e.Input:
				mode = ModeHandsFree
			case mode != "":
			case e.FormFactor == FormHeadset || e.FormFactor == FormHandset:
				mode = ModeHandsFree
			case e.FormFactor == FormHeadphones:
				mode = ModeStereo
			default:
				continue
			}
			stereo = stereo || (mode == ModeStereo && !e.Input)
			handsFree = handsFree || mode == ModeHandsFree
			h.Members = append(h.Members, Member{ID: e.ID, Input: e.Input, Mode: mode})
		}
		if !stereo || !handsFree {
			continue
		}
		if h.Label == "" {
			h.Label = g.eps[0].Name
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
