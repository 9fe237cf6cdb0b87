//go:build !windows && !darwin

package desktop

import (
	"context"

	"github.com/godbus/dbus/v5"
)

// TrayHost says whether the desktop shows tray icons: on XDG desktops, a
// StatusNotifierWatcher owns its name on the session bus (KDE, GNOME with
// the AppIndicator extension, XFCE's and LXQt's panels, waybar…). Without
// one, Fyne's tray icon would be registered nowhere and never seen.
func TrayHost(ctx context.Context) bool {
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
