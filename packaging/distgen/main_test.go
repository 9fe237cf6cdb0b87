package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// readPlist reads back a flat <dict> of <key>/<string>|<true/> pairs, the
// way a plist reader does (a second, independent reading of the XML).
func readPlist(t *testing.T, b []byte) map[string]string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	m := map[string]string{}
	var key string
	var inKey, inString bool
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			switch tk.Name.Local {
			case "key":
				inKey = true
				key = ""
			case "string":
				inString = true
				m[key] = ""
			case "true", "false":
				m[key] = tk.Name.Local
			}
		case xml.EndElement:
			depth--
			inKey, inString = false, false
		case xml.CharData:
			if inKey {
				key += string(tk)
			} else if inString {
				m[key] += string(tk)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("plist is not well-formed: depth %d at the end", depth)
	}
	return m
}

func TestPlistReadBack(t *testing.T) {
	t.Chdir("../..")
	app, err := ReadApp("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Plist(app, "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	m := readPlist(t, b)
	want := map[string]string{
		"CFBundleIdentifier":           "io.mediadesk.MediaDesk",
		"CFBundleExecutable":           "mediadesk",
		"CFBundleShortVersionString":   "1.2.3",
		"CFBundleVersion":              fmt.Sprint(app.Details.Build),
		"LSMinimumSystemVersion":       "12.0",
		"NSMicrophoneUsageDescription": app.Capabilities.MicrophoneUsage,
		"NSCameraUsageDescription":     CameraUsage,
		"NSHighResolutionCapable":      "true",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	if app.Details.ID != want["CFBundleIdentifier"] {
		t.Errorf("FyneApp.toml's ID is %q: the bundle id, gui.AppID and the Linux files must change together", app.Details.ID)
	}
	for _, k := range []string{"NSMicrophoneUsageDescription", "NSCameraUsageDescription"} {
		if len(m[k]) < 20 {
			t.Errorf("%s is %q: macOS shows it to the person, it must say why", k, m[k])
		}
	}
}

func TestPlistRefusesNoMicrophoneText(t *testing.T) {
	var app App
	app.Details.ID = "x"
	if _, err := Plist(app, "1"); err == nil {
		t.Fatal("a plist without NSMicrophoneUsageDescription was written: macOS would end the app at the first microphone access")
	}
}

func TestIcons(t *testing.T) {
	t.Chdir("../..")
	app, err := ReadApp("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteIcons(app, dir); err != nil {
		t.Fatal(err)
	}
	for _, n := range IconSizes {
		p := filepath.Join(dir, "hicolor", fmt.Sprintf("%dx%d", n, n), "apps", app.Details.ID+".png")
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("%s is %dx%d", p, b.Dx(), b.Dy())
		}
		// Not blank: the centre of the icon has colour and is opaque.
		if _, _, _, a := img.At(n/2, n/2).RGBA(); a == 0 {
			t.Errorf("%s: the centre pixel is transparent", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "hicolor", "scalable", "apps", app.Details.ID+".svg")); err != nil {
		t.Error(err)
	}
}

func TestICO(t *testing.T) {
	t.Chdir("../..")
	app, err := ReadApp("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ICO(app)
	if err != nil {
		t.Fatal(err)
	}
	le16 := func(o int) int { return int(b[o]) | int(b[o+1])<<8 }
	le32 := func(o int) int { return le16(o) | le16(o+2)<<16 }
	if le16(0) != 0 || le16(2) != 1 || le16(4) != len(ICOSizes) {
		t.Fatalf("ICO header % x", b[:6])
	}
	end := 6 + 16*len(ICOSizes)
	for i, n := range ICOSizes {
		e := 6 + 16*i
		size, off := le32(e+8), le32(e+12)
		if int(b[e]) != n || off != end || off+size > len(b) {
			t.Fatalf("entry %d: %dpx, %d bytes at %d (file %d bytes)", i, b[e], size, off, len(b))
		}
		if le32(off) != 40 || le32(off+4) != n || le32(off+8) != 2*n || le16(off+14) != 32 {
			t.Errorf("entry %d: bitmap header % x", i, b[off:off+16])
		}
		end = off + size
	}
	if end != len(b) {
		t.Errorf("%d bytes after the last image", len(b)-end)
	}
}
