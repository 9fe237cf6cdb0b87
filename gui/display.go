package gui

import (
	"errors"
	"os"
	"runtime"
)

// checkDisplay says plainly when there is no screen to open a window on
// (GLFW would otherwise panic deep inside window creation).
func checkDisplay() error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); run it from a desktop session, or use a command such as `mediadesk devices` (see `mediadesk --help`)")
		}
	}
	return nil
}
