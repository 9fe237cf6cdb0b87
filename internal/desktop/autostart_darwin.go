//go:build darwin

// Unverified: written from Apple's launchd.plist(5) documentation and not
// run here (no macOS machine); see README, "Other systems".

package desktop

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
)

// Path is ~/Library/LaunchAgents/io.mediadesk.MediaDesk.plist.
func (a Autostart) Path() (string, error) {
	dir := a.Dir
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the LaunchAgents folder: %w", err)
		}
		dir = filepath.Join(home, "Library", "LaunchAgents")
	}
	return filepath.Join(dir, AppID+".plist"), nil
}

// plist is the LaunchAgent that runs exe in the background at login.
func plist(exe string) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + AppID + `</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + esc(exe) + `</string>
		<string>` + BackgroundFlag + `</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
	<key>X-MediaDesk-Autostart</key>
	<true/>
</dict>
</plist>
`)
}

// ours is the LaunchAgent, read by launchd at the next login.
var ours = entryFile{what: "LaunchAgent", folder: "LaunchAgents folder",
	mark: []byte("<key>X-MediaDesk-Autostart</key>"), content: plist}
