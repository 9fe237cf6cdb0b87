package mediafoundation

// #include <stdlib.h>
// #include "mediafoundation_windows.h"
import "C"

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The two DirectShow control sets a Media Foundation camera source
// implements.
const (
	SetVideoProcAmp  = 0 // IAMVideoProcAmp: VideoProcAmp_Brightness (0) … VideoProcAmp_Gain (9)
	SetCameraControl = 1 // IAMCameraControl: CameraControl_Pan (0) … CameraControl_Focus (6)
)

// The flags of a control's value and capabilities (VideoProcAmp_Flags_*
// and CameraControl_Flags_* have the same values).
const (
	FlagAuto   = 0x1
	FlagManual = 0x2
)

// Control is one property of a set, as GetRange and Get report it.
type Control struct {
	Set, Prop                    int
	Min, Max, Step, Default, Val int64
	Caps, Flags                  int // FlagAuto / FlagManual
}

// props are the properties asked for in each set: VideoProcAmp_Brightness
// … VideoProcAmp_Gain, CameraControl_Pan … CameraControl_Focus.
var props = [2]int{10, 7}

// ListControls reads every property the camera with this symbolic link
// offers (a property it lacks answers GetRange with an error and is left
// out). Media Foundation runs on a locked OS thread for the call.
func ListControls(link string) ([]Control, error) {
	var out []Control
	err := withControls(link, func(c *C.md_controls) error {
		for set := range 2 {
			for prop := range props[set] {
				var lo, hi, step, def, caps, val, flags C.long
				if C.md_control_range(c, C.int(set), C.long(prop), &lo, &hi, &step, &def, &caps) < 0 {
					continue
				}
				ctl := Control{Set: set, Prop: prop, Min: int64(lo), Max: int64(hi), Step: int64(step), Default: int64(def), Caps: int(caps)}
				if hr := C.md_control_get(c, C.int(set), C.long(prop), &val, &flags); hr >= 0 {
					ctl.Val, ctl.Flags = int64(val), int(flags)
				} else {
					ctl.Val = ctl.Default
				}
				out = append(out, ctl)
			}
		}
		return nil
	})
	return out, err
}

// SetControl sets one property to value with flags (FlagManual for a
// value, FlagAuto to hand it to the camera).
func SetControl(link string, set, prop int, value int64, flags int) error {
	return withControls(link, func(c *C.md_controls) error {
		if hr := C.md_control_set(c, C.int(set), C.long(prop), C.long(value), C.long(flags)); hr < 0 {
			return &ErrCapture{"set control", uint32(hr)}
		}
		return nil
	})
}

func withControls(link string, use func(c *C.md_controls) error) error {
	wlink, err := windows.UTF16PtrFromString(link)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var c *C.md_controls
		hr := C.md_controls_open((*C.uint16_t)(unsafe.Pointer(wlink)), &c)
		if uint32(hr) == 0x8007007E || uint32(hr) == 0x8007007F {
			done <- ErrMissing
			return
		}
		if hr < 0 {
			done <- &ErrCapture{"open controls", uint32(hr)}
			return
		}
		defer C.md_controls_close(c)
		done <- use(c)
	}()
	return <-done
}
