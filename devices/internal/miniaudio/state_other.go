//go:build !windows && !darwin

package miniaudio

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// On Linux (and the rest), device state comes from the sound server alone
// (raw ALSA has none here).

type platformData struct{}

func platformDeviceState(string, string, bool) (bool, bool, float64) { return false, false, 0 }

func (b *Backend) platformListed(out []Device) []Device { return out }

// platformClose: nothing registered here.
func (b *Backend) platformClose() { b.plat = platformData{} }

func (b *Backend) platformState(context.Context) ([]Device, []pulse.Card, error) {
	return nil, nil, ErrUnsupported
}

func platformSetMute(string, string, bool, bool) error { return ErrUnsupported }

func platformSetVolume(string, string, bool, float64) error { return ErrUnsupported }

func platformSetProfile(string, string, string) error { return ErrUnsupported }
