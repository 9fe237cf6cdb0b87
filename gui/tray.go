package gui

import (
	_ "embed"
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/devices"
)

// The tray's three icons, told apart by shape as well as colour: ready is
// a circle with a check mark, a hint a rounded square with an "i", a
// problem a triangle with an exclamation mark.
var (
	//go:embed icons/tray-ready.svg
	trayReadySVG []byte
	//go:embed icons/tray-hint.svg
	trayHintSVG []byte
	//go:embed icons/tray-problem.svg
	trayProblemSVG []byte

	iconTrayReady   = fyne.NewStaticResource("tray-ready.svg", trayReadySVG)
	iconTrayHint    = fyne.NewStaticResource("tray-hint.svg", trayHintSVG)
	iconTrayProblem = fyne.NewStaticResource("tray-problem.svg", trayProblemSVG)
)

// trayIcon is the tray's icon for the verdict: a problem outweighs a hint.
func trayIcon(problems, hints []devices.Problem) fyne.Resource {
	switch {
	case len(problems) > 0:
		return iconTrayProblem
	case len(hints) > 0:
		return iconTrayHint
	}
	return iconTrayReady
}

// trayActions are what the tray's menu items do, and the settings' states.
type trayActions struct {
	fix      func(devices.Problem)
	checkNow func()
	open     func()
	quit     func()
	// The settings, as check items: keep running when the window is
	// closed, and start with the system.
	keepRunning, autostart             bool
	toggleKeepRunning, toggleAutostart func()
}

// trayMenu is the tray's menu: the verdict or each problem (its sentence,
// then its fix as an item when MediaDesk can carry it out), the hints the
// same way, then "Check now…", "Open MediaDesk" and "Quit".
func trayMenu(problems, hints []devices.Problem, act trayActions) *fyne.Menu {
	var items []*fyne.MenuItem
	label := func(s string) *fyne.MenuItem {
		it := fyne.NewMenuItem(s, nil)
		it.Disabled = true
		return it
	}
	switch {
	case len(problems) == 0 && len(hints) == 0:
		items = append(items, label("Ready for a call"))
	case len(problems) == 0:
		items = append(items, label("Ready for a call, with a hint"))
	case len(problems) == 1:
		items = append(items, label("One thing to fix before a call"))
	default:
		items = append(items, label(countWord(len(problems))+" things to fix before a call"))
	}
	for _, ps := range [][]devices.Problem{problems, hints} {
		for _, p := range ps {
			items = append(items, label(p.Message))
			if p.Fixable() && act.fix != nil {
				items = append(items, fyne.NewMenuItem("    "+p.Fix, func() { act.fix(p) }))
			} else if p.Fix != "" {
				items = append(items, label("    "+p.Fix))
			}
		}
	}
	quit := fyne.NewMenuItem("Quit", act.quit)
	quit.IsQuit = true
	keep := fyne.NewMenuItem("Keep running when the window is closed", act.toggleKeepRunning)
	keep.Checked = act.keepRunning
	auto := fyne.NewMenuItem("Start with the system", act.toggleAutostart)
	auto.Checked = act.autostart
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Check now…", act.checkNow),
		fyne.NewMenuItem("Open MediaDesk", act.open),
		fyne.NewMenuItemSeparator(),
		keep, auto,
		fyne.NewMenuItemSeparator(),
		quit)
	return fyne.NewMenu("MediaDesk", items...)
}

// countWord spells small counts as words ("Two things to fix").
func countWord(n int) string {
	words := []string{"No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}
