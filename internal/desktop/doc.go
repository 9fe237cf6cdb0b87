// Package desktop is MediaDesk's place in the desktop session, apart from
// its window: starting with the system (autostart), desktop notifications
// that carry actions, and being the user's one MediaDesk (Claim; each
// OS's way is described in instance.go). It has no Fyne import; each OS's way
// is a file of its own:
//
//   - Linux and other XDG desktops: an autostart entry in
//     $XDG_CONFIG_HOME/autostart (the XDG Autostart specification), and
//     org.freedesktop.Notifications over the session bus (godbus/dbus).
//   - Windows: the per-user Run key (HKCU\…\CurrentVersion\Run), the same
//     value the installer's "start with Windows" writes.
//   - macOS: a LaunchAgent in ~/Library/LaunchAgents (written, not run
//     here: unverified).
package desktop
