// Package buildinfo says which MediaDesk this is: the version, the commit
// and the time it was built from, the Go that built it, and the OS
// backends compiled in. The version comes from -ldflags (make build and
// make dist set it from FyneApp.toml); the commit and time come from the
// build information Go records from git (go build -buildvcs), or from
// -ldflags when the source is not a git checkout.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set with -ldflags "-X github.com/mediadesk/mediadesk/internal/buildinfo.version=…"
// (and commit, date, modified="true": used only when Go recorded no VCS
// information, as with GOFLAGS=-buildvcs=false).
var (
	version  string
	commit   string
	date     string
	modified string
)

// Info is one build's identity; `mediadesk version --json` and
// `doctor --json` print it.
type Info struct {
	Version   string   `json:"version"`   // "0.1.0"; "devel" for a plain go build
	Commit    string   `json:"commit"`    // full hash; "" when unknown
	Modified  bool     `json:"modified"`  // built from a tree with uncommitted changes
	BuildDate string   `json:"buildDate"` // RFC 3339, the commit's time; "" when unknown
	GoVersion string   `json:"goVersion"`
	OS        string   `json:"os"`
	Arch      string   `json:"arch"`
	Backends  Backends `json:"backends"`
}

// Backends are the native APIs this OS's build uses.
type Backends struct {
	Audio   []string `json:"audio"`
	Camera  []string `json:"camera"`
	Hotplug []string `json:"hotplug"`
}

// Read returns this binary's Info.
func Read() Info {
	in := Info{Version: version, Commit: commit, BuildDate: date, Modified: modified == "true", GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, Backends: backendsFor(runtime.GOOS)}
	if bi, ok := debug.ReadBuildInfo(); ok {
		in.GoVersion = bi.GoVersion
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.BuildDate = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	return in
}

// backendsFor names the backends devices/ uses on goos (README, "What
// works today").
func backendsFor(goos string) Backends {
	switch goos {
	case "linux":
		return Backends{Audio: []string{"pulseaudio", "alsa"}, Camera: []string{"v4l2"}, Hotplug: []string{"uevent"}}
	case "windows":
		return Backends{Audio: []string{"wasapi"}, Camera: []string{"mediafoundation"}, Hotplug: []string{"cfgmgr32", "mmnotification"}}
	case "darwin":
		return Backends{Audio: []string{"coreaudio"}, Camera: []string{"avfoundation"}, Hotplug: []string{"coreaudio-listeners", "avfoundation-notifications"}}
	}
	return Backends{Audio: []string{"miniaudio"}, Camera: []string{}, Hotplug: []string{}}
}

// Short is the one-line form: "mediadesk 0.1.0 (abc1234, 2026-12-06T23:00:00Z)".
func (in Info) Short() string {
	s := "mediadesk " + in.Version
	var extra []string
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if in.Modified {
			c += "+modified"
		}
		extra = append(extra, c)
	}
	if in.BuildDate != "" {
		extra = append(extra, in.BuildDate)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}
