// Package camera holds what every OS camera probe reports (V4L2, Media
// Foundation, AVFoundation), in one shape the devices package turns into
// its public Camera. It wraps no OS API itself.
package camera

import "strings"

// Found is one camera as a probe sees it.
type Found struct {
	// ID is the stable device id (a /dev/v4l/by-id link, a symbolic link,
	// an AVFoundation uniqueID).
	ID    string
	Label string
	// Node is where it was found now (/dev/video0); may change across
	// reboots, ID does not.
	Node     string
	Driver   string
	BusInfo  string
	Formats  []Format
	Infrared bool
	// GroupKey links the camera to the audio devices of the same hardware;
	// "" when nothing does.
	GroupKey string
}

// Format is one pixel format a camera offers, with its frame sizes.
type Format struct {
	FourCC      string      `json:"fourcc"`
	Description string      `json:"description"`
	Sizes       []FrameSize `json:"sizes,omitempty"`
}

// FrameSize is a discrete size, or a stepwise range when Max is set.
type FrameSize struct {
	Width     uint32 `json:"width"`
	Height    uint32 `json:"height"`
	MaxWidth  uint32 `json:"maxWidth,omitempty"`
	MaxHeight uint32 `json:"maxHeight,omitempty"`
}

// Native describes a camera found by a probe that gives only an id, a
// name and a group (Media Foundation, AVFoundation): the label is the name
// trimmed, or "Camera".
func Native(id, name, groupKey string, formats []Format) Found {
	f := Found{ID: id, Node: id, Label: strings.TrimSpace(name), Formats: formats, GroupKey: groupKey}
	if f.Label == "" {
		f.Label = "Camera"
	}
	return f
}

// AppendFormat adds one size of a pixel format, keeping one Format per
// FourCC and each size once (AVFoundation lists a format per frame-rate
// range, so sizes repeat).
func AppendFormat(fs []Format, fourcc string, w, h uint32) []Format {
	for i := range fs {
		if fs[i].FourCC == fourcc {
			for _, s := range fs[i].Sizes {
				if s.Width == w && s.Height == h {
					return fs
				}
			}
			fs[i].Sizes = append(fs[i].Sizes, FrameSize{Width: w, Height: h})
			return fs
		}
	}
	return append(fs, Format{FourCC: fourcc, Sizes: []FrameSize{{Width: w, Height: h}}})
}
