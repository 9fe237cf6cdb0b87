// Package avfoundation lists cameras on macOS through AVFoundation
// (AVCaptureDeviceDiscoverySession) and watches them come and go.
package avfoundation

import (
	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/coreaudio"
)

// found describes an AVFoundation camera: its id is its uniqueID, the
// group its USB model where there is one (shared with the same webcam's
// microphone, whose CoreAudio model UID names the same USB ids).
func found(uniqueID, name, model string, formats []camera.Format) camera.Found {
	return camera.Native(uniqueID, name, coreaudio.ModelKey(model), formats)
}
