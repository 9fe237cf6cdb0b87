package buildinfo

import (
	"runtime"
	"testing"
)

func TestRead(t *testing.T) {
	in := Read()
	if in.Version == "" || in.GoVersion == "" || in.OS != runtime.GOOS || in.Arch != runtime.GOARCH {
		t.Fatalf("Read() = %+v", in)
	}
	if len(in.Backends.Audio) == 0 {
		t.Errorf("no audio backend named for %s", runtime.GOOS)
	}
}

func TestShort(t *testing.T) {
	for _, c := range []struct {
		in   Info
		want string
	}{
		{Info{Version: "0.1.0"}, "mediadesk 0.1.0"},
		{Info{Version: "0.1.0", Commit: "0123456789abcdef0123", BuildDate: "2026-12-06T23:00:00Z"}, "mediadesk 0.1.0 (0123456789ab, 2026-12-06T23:00:00Z)"},
		{Info{Version: "devel", Commit: "0123456789abcdef0123", Modified: true}, "mediadesk devel (0123456789ab+modified)"},
	} {
		if got := c.in.Short(); got != c.want {
			t.Errorf("Short() = %q, want %q", got, c.want)
		}
	}
}

func TestBackendsPerOS(t *testing.T) {
	for goos, audio := range map[string]string{"linux": "pulseaudio", "windows": "wasapi", "darwin": "coreaudio"} {
		if b := backendsFor(goos); len(b.Audio) == 0 || b.Audio[0] != audio || len(b.Camera) == 0 {
			t.Errorf("%s: %+v", goos, b)
		}
	}
}
