package devices

import (
	"context"
	"sync"
	"sync/atomic"
)

// The test pattern's controls: a brightness and a contrast applied to its
// frames' luma, and whether the bars move, so the window's Adjust panel,
// the saved settings and the camera verdict can be shown and measured
// without a camera (as vivid's controls do in the QEMU guest). They are
// the process's: every preview of the test pattern shows them.
var testPatternCtrls = struct {
	mu   sync.Mutex
	vals [3]int64 // brightness, contrast, moving
	look atomic.Pointer[testPatternLook]
}{vals: [3]int64{128, 128, 1}}

// testPatternLook is what a frame needs of the controls: a luma table
// (nil at the defaults: frames are copied as they are) and the movement.
type testPatternLook struct {
	luma   *[256]byte
	frozen bool
}

var testPatternDefs = [3]CameraControl{
	{Name: "brightness", Label: "Brightness", Type: ControlInteger, Min: 0, Max: 255, Step: 1, Default: 128},
	{Name: "contrast", Label: "Contrast", Type: ControlInteger, Min: 0, Max: 255, Step: 1, Default: 128},
	{Name: "moving", Label: "Moving", Type: ControlBoolean, Min: 0, Max: 1, Step: 1, Default: 1},
}

type testPatternControls struct{}

func (testPatternControls) list(context.Context, Camera) ([]CameraControl, error) {
	testPatternCtrls.mu.Lock()
	defer testPatternCtrls.mu.Unlock()
	out := testPatternDefs
	for i := range out {
		out[i].Value = testPatternCtrls.vals[i]
	}
	return out[:], nil
}

func (testPatternControls) set(_ context.Context, cam Camera, c CameraControl, v int64) error {
	testPatternCtrls.mu.Lock()
	defer testPatternCtrls.mu.Unlock()
	for i, d := range testPatternDefs {
		if d.Name != c.Name {
			continue
		}
		if err := d.Check(v); err != nil {
			return err
		}
		testPatternCtrls.vals[i] = v
		b, k, moving := testPatternCtrls.vals[0], testPatternCtrls.vals[1], testPatternCtrls.vals[2]
		look := &testPatternLook{frozen: moving == 0}
		if b != 128 || k != 128 {
			// As vivid's TPG does: luma around mid grey scaled by
			// contrast/128, then offset by brightness-128; limited range.
			var t [256]byte
			for y := range t {
				l := (int64(y)-128)*k/128 + 128 + (b - 128)
				t[y] = byte(min(235, max(16, l)))
			}
			look.luma = &t
		}
		testPatternCtrls.look.Store(look)
		return nil
	}
	_, err := ControlNamed(testPatternDefs[:], cam.Label, c.Name)
	return err
}

// applyTestPatternLook applies the controls to one frame of the pattern
// in fourcc (YUYV or NV12), and says whether the bars stand still.
func applyTestPatternLook(fourcc string, width, height int, buf []byte) (frozen bool) {
	look := testPatternCtrls.look.Load()
	if look == nil {
		return false
	}
	if t := look.luma; t != nil {
		if fourcc == "NV12" {
			for i, y := range buf[:width*height] {
				buf[i] = t[y]
			}
		} else {
			for i := 0; i < len(buf); i += 2 {
				buf[i] = t[buf[i]]
			}
		}
	}
	return look.frozen
}
