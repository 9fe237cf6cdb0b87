//go:build !windows && !darwin

package miniaudio

// platformGroupKey: on Linux the groups come from the sound server's
// properties or the ALSA card, never from here.
func platformGroupKey(string) string { return "" }
