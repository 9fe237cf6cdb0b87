package miniaudio

import "github.com/mediadesk/mediadesk/devices/internal/mmdevice"

// platformGroupKey groups a WASAPI endpoint by its container id (a
// headset's microphone and speaker, and a webcam's microphone with its
// camera, share one).
func platformGroupKey(endpointID string) string { return mmdevice.EndpointGroupKey(endpointID) }
