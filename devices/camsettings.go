package devices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Camera settings that stay: what a person sets with SetCameraControls is
// saved per camera, by its stable id (the /dev/v4l/by-id link of a USB
// camera, which names its model and serial; the same after a replug or a
// reboot), and applied again when that camera appears (Options.
// ApplyCameraSettings). ResetCameraControls forgets it.

// DefaultCameraSettingsPath is MEDIADESK_CAMERA_SETTINGS, else
// camera-settings.json under the user's config directory (beside the
// rules and the call history).
func DefaultCameraSettingsPath() string {
	if p := os.Getenv("MEDIADESK_CAMERA_SETTINGS"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "mediadesk", "camera-settings.json")
}

// cameraSettingsFile is the file's shape.
type cameraSettingsFile struct {
	Cameras map[string]savedCamera `json:"cameras"`
}

type savedCamera struct {
	Label    string         `json:"label"` // for a person reading the file
	Controls []ControlValue `json:"controls"`
}

// applyTimeout bounds one camera's application of its saved settings.
const applyTimeout = 5 * time.Second

func (m *Manager) loadSettings() (cameraSettingsFile, error) {
	f := cameraSettingsFile{Cameras: map[string]savedCamera{}}
	b, err := os.ReadFile(m.settingsPath)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return cameraSettingsFile{Cameras: map[string]savedCamera{}},
			fmt.Errorf("%s is not a MediaDesk camera settings file (fix or remove it): %w", m.settingsPath, err)
	}
	if f.Cameras == nil {
		f.Cameras = map[string]savedCamera{}
	}
	return f, nil
}

// saveSettings writes the file whole or not at all (a temporary file
// renamed over it).
func (m *Manager) saveSettings(f cameraSettingsFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.settingsPath), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(m.settingsPath), ".camera-settings-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), m.settingsPath); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// SavedCameraControls are the values saved for the camera id (its
// stable id), in the order they are applied; none when nothing is saved.
func (m *Manager) SavedCameraControls(id string) ([]ControlValue, error) {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	f, err := m.loadSettings()
	if err != nil {
		return nil, err
	}
	return f.Cameras[id].Controls, nil
}

// rememberControls saves vals for cam: a value for a control saved
// before replaces it in its place, a new one goes last. A file that
// cannot be read or written is left as it is (the values are set all the
// same; the next start will not apply them).
func (m *Manager) rememberControls(cam Camera, vals []ControlValue) {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	f, err := m.loadSettings()
	if err != nil {
		return
	}
	c := f.Cameras[cam.DeviceID]
	c.Label = cam.Label
	for _, v := range vals {
		found := false
		for i := range c.Controls {
			if c.Controls[i].Name == v.Name {
				c.Controls[i].Value, found = v.Value, true
			}
		}
		if !found {
			c.Controls = append(c.Controls, v)
		}
	}
	f.Cameras[cam.DeviceID] = c
	_ = m.saveSettings(f)
}

// forgetControls drops what is saved for cam.
func (m *Manager) forgetControls(cam Camera) {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	f, err := m.loadSettings()
	if err != nil {
		return
	}
	if _, ok := f.Cameras[cam.DeviceID]; !ok {
		return
	}
	delete(f.Cameras, cam.DeviceID)
	_ = m.saveSettings(f)
}

// applySavedLocked applies the saved settings of each camera that was not
// listed at the last scan (all of them at the first), in the background.
func (m *Manager) applySavedLocked(cams []Camera) {
	now := map[string]bool{}
	var appeared []Camera
	for _, c := range cams {
		now[c.DeviceID] = true
		if !m.present[c.DeviceID] {
			appeared = append(appeared, c)
		}
	}
	m.present = now
	if !m.opts.ApplyCameraSettings || len(appeared) == 0 || m.closed {
		return
	}
	m.applying.Add(1)
	go func() {
		defer m.applying.Done()
		for _, c := range appeared {
			m.applySaved(c)
		}
	}()
}

// applySaved sets what is saved for cam. The saved order is tried first;
// a value the driver refuses is tried again after the others (an exposure
// saved before the auto_exposure that makes it active). Values for
// controls the camera no longer has are skipped and kept (it may come
// back in the mode that has them).
func (m *Manager) applySaved(cam Camera) []error {
	saved, err := m.SavedCameraControls(cam.DeviceID)
	if err != nil || len(saved) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	b := m.controlsOf(cam)
	ctrls, err := b.list(ctx, cam)
	if err != nil {
		return []error{err}
	}
	var retry []ControlValue
	try := func(v ControlValue) error {
		c, err := checkControl(cam, ctrls, v)
		if err != nil {
			return err
		}
		return b.set(ctx, cam, c, v.Value)
	}
	for _, v := range saved {
		if err := try(v); err != nil && !errors.Is(err, ErrUnknownControl) {
			retry = append(retry, v)
		}
	}
	var errs []error
	for _, v := range retry {
		if err := try(v); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
