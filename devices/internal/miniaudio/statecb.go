//go:build windows || darwin

package miniaudio

// fireState tells the state listener, if any: called by the OS's own
// per-device change callbacks (WASAPI's IAudioEndpointVolumeCallback,
// CoreAudio's property listeners).
func (b *Backend) fireState() {
	if f := b.stateFn.Load(); f != nil {
		(*f)()
	}
}
