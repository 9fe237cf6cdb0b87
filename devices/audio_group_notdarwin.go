//go:build !darwin

package devices

// coreAudioGroupKey: CoreAudio devices exist only on macOS.
func coreAudioGroupKey(string) string { return "" }
