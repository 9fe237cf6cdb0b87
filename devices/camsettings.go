package devices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
	return configPath("MEDIADESK_CAMERA_SETTINGS", "camera-settings.json")
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
	b, err := readFile(m.settingsPath)
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

// saveSettings writes the file whole or not at all (writeFileAtomic, as
// the rules file is written).
func (m *Manager) saveSettings(f cameraSettingsFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(m.settingsPath, ".camera-settings-*", append(b, '\n'))
}

// notSaved is CAMERA_SETTINGS_NOT_SAVED for cam: what was done (set or
// reset) stands on the camera, the file could not be read or written.
func (m *Manager) notSaved(cam Camera, what string, err error) error {
	return wrapError(CodeCameraSettingsNotSaved,
		fmt.Sprintf("the controls of %s %s, but could not be saved", cam.Label, what),
		fmt.Sprintf("they apply now, not at the next start or replug; fix or remove %s (or let MediaDesk write to its folder) and set them again", m.settingsPath), err)
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
// cannot be read or written is left as it is and the error
// (CAMERA_SETTINGS_NOT_SAVED) says so: the values are set all the same,
// but the next start will not apply them.
func (m *Manager) rememberControls(cam Camera, vals []ControlValue) error {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	f, err := m.loadSettings()
	if err != nil {
		return m.notSaved(cam, "were set", err)
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
	if err := m.saveSettings(f); err != nil {
		return m.notSaved(cam, "were set", err)
	}
	return nil
}

// forgetControls drops what is saved for cam; CAMERA_SETTINGS_NOT_SAVED
// when the file cannot be read or written (what was saved would be
// applied again at the next start).
func (m *Manager) forgetControls(cam Camera) error {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	f, err := m.loadSettings()
	if err != nil {
		return m.notSaved(cam, "were reset", err)
	}
	if _, ok := f.Cameras[cam.DeviceID]; !ok {
		return nil
	}
	delete(f.Cameras, cam.DeviceID)
	if err := m.saveSettings(f); err != nil {
		return m.notSaved(cam, "were reset", err)
	}
	return nil
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
	if m.applyCtx == nil {
		m.applyCtx, m.applyCancel = context.WithCancel(context.Background())
	}
	ctx := m.applyCtx
	m.applying.Add(1)
	go func() {
		defer m.applying.Done()
		for _, c := range appeared {
			if err := errors.Join(m.applySaved(ctx, c)...); err != nil {
				m.reportApplyFailure(c, err)
			}
		}
	}()
}

// reportApplyFailure tells the listeners (their Errors, as a rule that
// could not be applied is told) that cam's saved settings were not all
// applied, and why.
func (m *Manager) reportApplyFailure(cam Camera, err error) {
	code := CodeControlRefused
	var e *Error
	if errors.As(err, &e) {
		code = e.Code
	}
	report := wrapError(code, fmt.Sprintf("the controls saved for %s were not all applied", cam.Label),
		"open its Adjust panel (or `mediadesk camera controls`) to see them; they are tried again when the camera is plugged in again", err)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	m.deliverLocked(nil, []*Error{report})
}

// applySaved sets what is saved for cam, within applyTimeout and until
// ctx (the Manager's, cancelled by Close) is done. The saved order is
// tried first; a value the driver refuses is tried again after the others
// (an exposure saved before the auto_exposure that makes it active).
// Values for controls the camera no longer has are skipped and kept (it
// may come back in the mode that has them). What could not be read or
// set is returned.
func (m *Manager) applySaved(ctx context.Context, cam Camera) []error {
	saved, err := m.SavedCameraControls(cam.DeviceID)
	if err != nil {
		return []error{wrapError(CodeCameraSettingsNotSaved, fmt.Sprintf("the settings saved for %s could not be read", cam.Label),
			"fix or remove the file; the camera keeps its own settings meanwhile", err)}
	}
	if len(saved) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, applyTimeout)
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
