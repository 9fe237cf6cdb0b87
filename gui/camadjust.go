package gui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// CameraControlsSource reads and sets a camera's controls; a
// *devices.Manager has it (ManagerDevices embeds one). A Devices that
// lacks it shows no Adjust button.
type CameraControlsSource interface {
	CameraControls(ctx context.Context, id string) ([]devices.CameraControl, error)
	SetCameraControls(ctx context.Context, id string, vals []devices.ControlValue) error
	ResetCameraControls(ctx context.Context, id string) error
}

// controlTimeout bounds one read or set of a camera's controls (a USB
// camera answers in milliseconds; one that hangs must not keep the panel
// waiting).
const controlTimeout = 5 * time.Second

// adjustWidth is the panel's width; while it is shown the picture's
// least size shrinks by as much, so the card (and the window) keeps its
// width.
const adjustWidth = 200

// adjustPanel is the Camera card's "Adjust" panel beside the preview:
// a slider for each number the camera offers (brightness, exposure,
// focus…), a toggle for each on/off, a choice for each menu, a button for
// each action, and Reset. Every change is set at once (the live picture
// shows it) and saved for the camera by the Manager. Opening, reading and
// setting happen off the UI goroutine.
type adjustPanel struct {
	cfg *Config
	src CameraControlsSource

	rows    *fyne.Container
	note    *widget.Label
	reset   *widget.Button
	content fyne.CanvasObject

	// UI goroutine only.
	id       string
	gen      int // bumped on each camera change: late answers are dropped
	building bool
	ctrls    []devices.CameraControl
	widgets  map[string]fyne.CanvasObject // by control name (tests)
}

func newAdjustPanel(cfg *Config, src CameraControlsSource) *adjustPanel {
	a := &adjustPanel{cfg: cfg, src: src, widgets: map[string]fyne.CanvasObject{}}
	a.rows = container.NewVBox()
	a.note = widget.NewLabel("")
	a.note.Wrapping = fyne.TextWrapWord
	a.note.Importance = widget.MediumImportance // read by a person: not the disabled grey
	a.reset = widget.NewButtonWithIcon("Reset", theme.HistoryIcon(), a.resetAll)
	title := widget.NewLabel("Adjust")
	title.TextStyle.Bold = true
	// Scrolls both ways: a long menu item must not widen the card (the
	// window's columns share one width).
	scroll := container.NewScroll(a.rows)
	scroll.SetMinSize(fyne.NewSize(adjustWidth, 0))
	a.content = container.NewBorder(title, container.NewVBox(a.note, a.reset), nil, nil, scroll)
	return a
}

// setCamera shows the controls of camera id ("" for none).
func (a *adjustPanel) setCamera(id string) {
	a.id = id
	a.gen++
	a.ctrls = nil
	a.build()
	if id == "" {
		a.note.SetText("No camera is chosen.")
		return
	}
	a.note.SetText("Reading the camera's controls…")
	a.load(a.gen, "")
}

// adjustNote is what the panel says under the controls when all is well.
const adjustNote = "Changes show in the picture at once and are kept for this camera."

// load reads the controls in the background and shows them, and note
// under them (adjustNote when "").
func (a *adjustPanel) load(gen int, note string) {
	if note == "" {
		note = adjustNote
	}
	id := a.id
	go func() {
		ctx, cancel := context.WithTimeout(a.cfg.Ctx, controlTimeout)
		defer cancel()
		ctrls, err := a.src.CameraControls(ctx, id)
		a.cfg.Do(func() {
			if gen != a.gen {
				return
			}
			if err != nil {
				a.ctrls = nil
				a.build()
				a.note.SetText(plainError(err))
				return
			}
			a.ctrls = ctrls
			a.build()
			a.note.SetText(note)
		})
	}()
}

// set sets one control in the background, then reads them all again
// (turning automatic exposure off makes the exposure active).
func (a *adjustPanel) set(name string, v int64) {
	if a.building {
		return
	}
	id, gen := a.id, a.gen
	go func() {
		ctx, cancel := context.WithTimeout(a.cfg.Ctx, controlTimeout)
		defer cancel()
		err := a.src.SetCameraControls(ctx, id, []devices.ControlValue{{Name: name, Value: v}})
		a.cfg.Do(func() {
			if gen != a.gen {
				return
			}
			note := ""
			if err != nil {
				note = plainError(err) // and the controls as they are now
			}
			a.load(gen, note)
		})
	}()
}

func (a *adjustPanel) resetAll() {
	if a.id == "" {
		return
	}
	id, gen := a.id, a.gen
	a.note.SetText("Setting the camera back to its defaults…")
	go func() {
		ctx, cancel := context.WithTimeout(a.cfg.Ctx, controlTimeout)
		defer cancel()
		err := a.src.ResetCameraControls(ctx, id)
		a.cfg.Do(func() {
			if gen != a.gen {
				return
			}
			note := ""
			if err != nil {
				note = plainError(err)
			}
			a.load(gen, note)
		})
	}()
}

// build makes a row for each control (without calling their setters).
func (a *adjustPanel) build() {
	a.building = true
	defer func() { a.building = false }()
	a.rows.RemoveAll()
	a.widgets = map[string]fyne.CanvasObject{}
	for _, c := range a.ctrls {
		if row := a.row(c); row != nil {
			a.rows.Add(row)
		}
	}
	if len(a.ctrls) == 0 {
		a.reset.Disable()
	} else {
		a.reset.Enable()
	}
	a.rows.Refresh()
}

func (a *adjustPanel) row(c devices.CameraControl) fyne.CanvasObject {
	label := widget.NewLabel(c.Label)
	label.Truncation = fyne.TextTruncateEllipsis
	if c.Inactive {
		label.SetText(c.Label + " (off in this mode)")
	}
	name := c.Name
	var w fyne.CanvasObject
	disable := func(d fyne.Disableable) {
		if c.ReadOnly || c.Inactive {
			d.Disable()
		}
	}
	switch c.Type {
	case devices.ControlInteger, devices.ControlInteger64:
		value := widget.NewLabel(strconv.FormatInt(c.Value, 10))
		s := widget.NewSlider(float64(c.Min), float64(c.Max))
		s.Step = float64(max(1, c.Step))
		s.SetValue(float64(c.Value))
		s.OnChanged = func(f float64) { value.SetText(strconv.FormatInt(int64(f), 10)) }
		s.OnChangeEnded = func(f float64) { a.set(name, int64(f)) }
		disable(s)
		a.widgets[name] = s
		w = container.NewBorder(nil, nil, nil, value, s)
	case devices.ControlBoolean:
		ch := widget.NewCheck("", nil)
		ch.SetChecked(c.Value != 0)
		ch.OnChanged = func(on bool) {
			v := int64(0)
			if on {
				v = 1
			}
			a.set(name, v)
		}
		disable(ch)
		a.widgets[name] = ch
		return container.NewBorder(nil, nil, ch, nil, label)
	case devices.ControlMenu, devices.ControlIntegerMenu:
		var labels []string
		current := ""
		for _, it := range c.Menu {
			labels = append(labels, it.Label)
			if it.Value == c.Value {
				current = it.Label
			}
		}
		sel := widget.NewSelect(labels, nil)
		sel.SetSelected(current)
		items := c.Menu
		sel.OnChanged = func(s string) {
			for _, it := range items {
				if it.Label == s {
					a.set(name, it.Value)
				}
			}
		}
		disable(sel)
		a.widgets[name] = sel
		w = sel
	case devices.ControlButton:
		b := widget.NewButton(c.Label, func() { a.set(name, 0) })
		disable(b)
		a.widgets[name] = b
		return b
	default:
		w = widget.NewLabel(fmt.Sprint(c.Value))
	}
	return container.NewVBox(label, w)
}

// cameraFixLabel is the button for a camera verdict's control fix
// (devices/camfix.go): short, as the others are.
func cameraFixLabel(p devices.Problem) string {
	switch {
	case p.Control == "auto_exposure":
		return "Turn on automatic exposure"
	case p.Control == "brightness" && p.Code == devices.ProblemCameraOverexposed:
		return "Lower brightness"
	case p.Control == "brightness":
		return "Raise brightness"
	case p.Control == "exposure_dynamic_framerate":
		return "Keep the frame rate"
	}
	return p.Fix
}
