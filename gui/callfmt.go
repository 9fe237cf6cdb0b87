package gui

import (
	"fmt"
	"hash/fnv"
	"image/color"
	"math"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/internal/localetime"
)

// statusLabel is the UI Kit's wording for a call's status, seen from me.
func statusLabel(c calls.CallLog, me string) string {
	if c.SentBy(me) {
		switch c.Status {
		case "initiated":
			return "Outgoing"
		case "cancelled":
			return "Cancelled"
		case "rejected":
			return "Rejected"
		case "busy":
			return "Missed"
		case "ended":
			return "Ended"
		case "ongoing":
			return "Answered"
		case "unanswered":
			return "Unanswered"
		}
	} else {
		switch c.Status {
		case "initiated":
			return "Incoming"
		case "ongoing":
			return "Answered"
		case "ended":
			return "Ended"
		case "unanswered", "cancelled":
			return "Missed"
		case "busy":
			return "Busy"
		case "rejected":
			return "Rejected"
		}
	}
	if c.Status == "" {
		return "Unknown"
	}
	return strings.ToUpper(c.Status[:1]) + c.Status[1:]
}

// directionIcon is outgoing, missed or incoming, checked in that order (the
// current UI Kit's order).
func directionIcon(c calls.CallLog, me string) fyne.Resource {
	switch {
	case c.SentBy(me):
		return iconOutgoing
	case c.Missed(me):
		return iconMissed
	default:
		return iconIncoming
	}
}

func typeIcon(c calls.CallLog) fyne.Resource {
	if c.Type == "video" {
		return iconVideo
	}
	return iconAudio
}

// callDate is the UI Kit's "DD MMM, time", the time of day on the clock
// the system's locale uses (as the command line shows it).
func callDate(unix int64) string {
	if unix == 0 {
		return "—"
	}
	return time.Unix(unix, 0).Local().Format("02 Jan, " + localetime.Clock())
}

// shortDuration is a call's length for a row: "1h 02m", "3m 20s", "45s".
func shortDuration(minutes float64) string {
	s := int(math.Round(minutes * 60))
	switch {
	case s <= 0:
		return ""
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm %02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%dh %02dm", s/3600, s/60%60)
	}
}

// longDuration is the details view's "Hh Mm Ss", or "00:00" for none
// (the UI Kit's info row).
func longDuration(minutes float64) string {
	s := int(math.Round(minutes * 60))
	if s <= 0 {
		return "00:00"
	}
	var parts []string
	if s >= 3600 {
		parts = append(parts, fmt.Sprintf("%dh", s/3600))
	}
	if s >= 60 {
		parts = append(parts, fmt.Sprintf("%dm", s/60%60))
	}
	parts = append(parts, fmt.Sprintf("%ds", s%60))
	return strings.Join(parts, " ")
}

// initials are up to two letters for an avatar: "Ada Lovelace" → "AL".
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// avatarPalette are mid-tone colours white text reads on, in light and
// dark themes alike.
var avatarPalette = []color.NRGBA{
	{0x3b, 0x6e, 0xd8, 0xff}, {0x8e, 0x44, 0xad, 0xff}, {0x16, 0x8a, 0x6f, 0xff}, {0xc0, 0x5a, 0x1f, 0xff},
	{0x2c, 0x7d, 0xa0, 0xff}, {0xb0, 0x3a, 0x6e, 0xff}, {0x5b, 0x6b, 0x1f, 0xff}, {0x6d, 0x4c, 0x9f, 0xff},
}

// avatarColor is a stable colour for a name.
func avatarColor(key string) color.Color {
	h := fnv.New32a()
	h.Write([]byte(key))
	return avatarPalette[h.Sum32()%uint32(len(avatarPalette))]
}
