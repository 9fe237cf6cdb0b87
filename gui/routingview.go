package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// router is what "Use in all apps" needs beyond Devices: *devices.Manager
// has it (through ManagerDevices); a Devices without it shows nothing.
type router interface {
	SetSystemDefault(ctx context.Context, k devices.Kind, id string, move bool) (devices.MoveReport, error)
	StreamsOn(k devices.Kind, id string) []devices.Stream
}

// routingView is one audio card's line about the other apps: whether the
// picked device is the system default (what Zoom, a browser's Meet, every
// CometChat-based app will use), a "Use in all apps" button when it is
// not, and who plays to or records from it now ("In use by Zoom,
// Firefox").
type routingView struct {
	cfg     *Config
	r       router
	kind    devices.Kind
	id      string // the picked device
	status  *widget.Label
	use     *widget.Button
	inUse   *widget.Label
	content *fyne.Container
}

// attachRouting adds the routing line to the microphone's and speaker's
// cards and keeps it current (its own listener: list changes, a new pick,
// and the apps' streams). Nothing is added when Devices cannot route.
func attachRouting(cfg *Config, cards map[devices.Kind]*fyne.Container) map[devices.Kind]*routingView {
	r, ok := cfg.Devices.(router)
	if !ok {
		return nil
	}
	views := map[devices.Kind]*routingView{}
	for _, k := range []devices.Kind{devices.AudioInput, devices.AudioOutput} {
		v := newRoutingView(cfg, r, k)
		views[k] = v
		if box, ok := cards[k]; ok {
			box.Add(v.content)
		}
	}
	show := func(l devices.Lists) {
		for _, v := range views {
			v.show(l)
		}
	}
	cfg.Devices.AddListener("gui-routing", devices.Listener{
		OnMediaDeviceListUpdated: func(ev devices.Event) { cfg.Do(func() { show(ev.Lists) }) },
		OnStreamsChanged: func(devices.StreamsEvent) {
			cfg.Do(func() { show(cfg.Devices.Devices()) })
		},
	})
	show(cfg.Devices.Devices())
	return views
}

func newRoutingView(cfg *Config, r router, k devices.Kind) *routingView {
	v := &routingView{cfg: cfg, r: r, kind: k}
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.Importance = widget.MediumImportance
	v.use = widget.NewButton("Use in all apps", v.useInAllApps)
	v.use.Hide()
	v.inUse = widget.NewLabel("")
	v.inUse.Wrapping = fyne.TextWrapWord
	v.inUse.Importance = widget.MediumImportance
	v.inUse.Hide()
	v.content = container.NewVBox(container.NewBorder(nil, nil, nil, v.use, v.status), v.inUse)
	v.content.Hide()
	return v
}

// show draws the line for the lists now.
func (v *routingView) show(l devices.Lists) {
	list := l.Of(v.kind)
	picked, ok := activeInfo(list)
	if !ok {
		v.id = ""
		v.content.Hide()
		return
	}
	v.id = picked.DeviceID
	v.status.SetText(defaultText(v.kind, picked, list))
	if picked.Default {
		v.use.Hide()
	} else {
		v.use.Enable()
		v.use.Show()
	}
	if text := inUseText(v.r.StreamsOn(v.kind, picked.DeviceID)); text != "" {
		v.inUse.SetText(text)
		v.inUse.Show()
	} else {
		v.inUse.Hide()
	}
	v.content.Show()
}

// defaultText says whether the picked device is what other apps use.
func defaultText(k devices.Kind, picked devices.Info, list []devices.Info) string {
	if picked.Default {
		return "Other apps use it too (the system default)."
	}
	what := "speaker"
	if k == devices.AudioInput {
		what = "microphone"
	}
	for _, d := range list {
		if d.Default {
			return fmt.Sprintf("Other apps use %s: your call may use another %s than the one you check here.", d.Label, what)
		}
	}
	return "Other apps may use another " + what + "."
}

// inUseText is "In use by Zoom, Firefox" ("" for none); an app with two
// streams on the device is named once.
func inUseText(ss []devices.Stream) string {
	var names []string
	seen := map[string]bool{}
	for _, s := range ss {
		if n := s.Label(); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "In use by " + strings.Join(names, ", ")
}

// useInAllApps makes the picked device the system default and moves the
// running apps onto it, off the UI goroutine; the list event that follows
// redraws the line. What did not move is said.
func (v *routingView) useInAllApps() {
	id := v.id
	if id == "" {
		return
	}
	v.use.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		rep, err := v.r.SetSystemDefault(ctx, v.kind, id, true)
		v.cfg.Do(func() {
			v.use.Enable()
			switch {
			case err != nil:
				v.status.SetText("Could not make it the default: " + plainError(err))
			case len(rep.Stayed) > 0:
				var names []string
				for _, s := range rep.Stayed {
					names = append(names, s.Label())
				}
				v.status.SetText("Other apps use it now; " + strings.Join(names, ", ") + " stayed on its own device (it asked not to be moved).")
				v.use.Hide()
			}
		})
	}()
}
