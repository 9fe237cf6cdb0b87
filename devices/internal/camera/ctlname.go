package camera

import "strings"

// ControlName is a control's name as v4l2-ctl prints it, the same on every
// system: the driver's label in lower case, each run of other characters
// one underscore, none at either end ("Exposure Time, Absolute" →
// exposure_time_absolute).
func ControlName(label string) string {
	var b strings.Builder
	under := false
	for _, r := range label {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		default:
			under = b.Len() > 0
			continue
		}
		if under {
			b.WriteByte('_')
			under = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
