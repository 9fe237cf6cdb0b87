package avfoundation

// #include <stdlib.h>
// #include "avfoundation_darwin.h"
import "C"

import (
	"unsafe"
)

// Never compiled by our CI (no macOS builder): the README says so. What
// the modes mean for package devices (controls.go, camcontrols_avmodes.go)
// is unit-tested on Linux.

// ReadModes reads the focus, exposure and white-balance modes the camera
// with this uniqueID supports and is in. It does not ask for camera
// access and does not open the camera.
func ReadModes(uniqueID string) (Modes, error) {
	id := C.CString(uniqueID)
	defer C.free(unsafe.Pointer(id))
	var out [NumModes]C.md_av_mode
	if rc := C.md_av_controls_get(id, &out[0]); rc != C.MD_AV_OK {
		return Modes{}, controlError(rc)
	}
	var m Modes
	for i, x := range out {
		m.Supported[i] = uint32(x.supported)
		m.Current[i] = int(x.mode)
	}
	return m, nil
}

// SetMode sets which (Focus, Exposure, WhiteBalance) to mode: it asks for
// camera access if it was never asked, locks the camera for
// configuration, sets the mode and unlocks it.
func SetMode(uniqueID string, which, mode int) error {
	id := C.CString(uniqueID)
	defer C.free(unsafe.Pointer(id))
	return controlError(C.md_av_control_set(id, C.int(which), C.int(mode)))
}

func controlError(rc C.int) error {
	if rc == C.MD_AV_UNSUPPORTED {
		return ErrModeUnsupported
	}
	return avError(rc)
}
