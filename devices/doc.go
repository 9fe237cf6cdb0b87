// Package devices lists the microphones, speakers and cameras on this
// machine in the CometChat Calls MediaDeviceInfo shape, and keeps track of
// which one of each kind is selected.
//
// Audio comes through miniaudio (github.com/gen2brain/malgo) with
// PulseAudio/PipeWire first and ALSA as the fallback on Linux, WASAPI on
// Windows and CoreAudio on macOS; cameras come from a per-OS probe (V4L2 on
// Linux). Device ids are the backend's own stable names (a Pulse sink or
// source name, a WASAPI endpoint id, a CoreAudio UID, a /dev/v4l/by-id link),
// so a choice saved today still means the same device tomorrow.
//
// The shortest real use:
//
//	m, err := devices.New(ctx, devices.Options{})
//	if err != nil {
//		return err
//	}
//	defer m.Close()
//	for _, d := range m.AudioInputDevices() {
//		fmt.Println(d.Label, d.DeviceID, d.Default)
//	}
//	if err := m.Err(); err != nil {
//		log.Print(err) // e.g. no sound server: audio lists are empty, cameras still work
//	}
//
// This package never imports Fyne.
package devices
