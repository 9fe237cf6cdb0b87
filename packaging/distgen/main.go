// Command distgen writes the package files that are derived from the
// project's own sources, so that they cannot drift from them: the hicolor
// icons (resized from assets/icon.png), the macOS Info.plist (from
// FyneApp.toml), and the app's name, id and version for the Makefile.
//
//	go run ./packaging/distgen field Details.Version     # print one value
//	go run ./packaging/distgen icons DIR                 # DIR/hicolor/NxN/apps/ID.png
//	go run ./packaging/distgen plist FILE BINARY-VERSION # Info.plist
//	go run ./packaging/distgen desktop FILE              # the .desktop entry
//	go run ./packaging/distgen ico FILE                  # the installer's icon
//
// Run from the repository's top directory (make dist does).
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/image/draw"
)

// App is the part of FyneApp.toml this reads.
type App struct {
	Website     string
	Description string
	Details     struct {
		Icon, Name, ID, Version string
		Build                   int
	}
	LinuxAndBSD struct {
		GenericName, Comment string
		Categories, Keywords []string
	}
	Capabilities struct {
		Microphone      bool
		MicrophoneUsage string
	}
}

// IconSizes are the hicolor sizes desktops look for (the Icon Theme
// Specification's usual set); the SVG goes to scalable/ beside them.
var IconSizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

// CameraUsage is NSCameraUsageDescription: fyne.io/tools has no camera
// capability in FyneApp.toml yet, so the text lives here.
const CameraUsage = "MediaDesk shows your camera so you can check it before a call."

// MinimumMacOS is LSMinimumSystemVersion: Go 1.26 runs on macOS 12
// (Monterey) and newer.
const MinimumMacOS = "12.0"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "distgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	app, err := ReadApp("FyneApp.toml")
	if err != nil {
		return err
	}
	switch {
	case len(args) == 2 && args[0] == "field":
		v, ok := map[string]string{
			"Details.Name": app.Details.Name, "Details.ID": app.Details.ID,
			"Details.Version": app.Details.Version, "Website": app.Website,
		}[args[1]]
		if !ok {
			return fmt.Errorf("no field %q", args[1])
		}
		fmt.Println(v)
		return nil
	case len(args) == 2 && args[0] == "icons":
		return WriteIcons(app, args[1])
	case len(args) == 2 && args[0] == "desktop":
		return os.WriteFile(args[1], Desktop(app), 0o644)
	case len(args) == 2 && args[0] == "ico":
		b, err := ICO(app)
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], b, 0o644)
	case len(args) == 3 && args[0] == "plist":
		b, err := Plist(app, args[2])
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], b, 0o644)
	}
	return errors.New("usage: distgen field NAME | icons DIR | desktop FILE | ico FILE | plist FILE VERSION")
}

// ReadApp reads FyneApp.toml and checks the fields the packages need.
func ReadApp(path string) (App, error) {
	var app App
	if _, err := toml.DecodeFile(path, &app); err != nil {
		return app, fmt.Errorf("%s: %w", path, err)
	}
	if app.Details.ID == "" || app.Details.Name == "" || app.Details.Version == "" || app.Details.Icon == "" {
		return app, fmt.Errorf("%s: [Details] needs ID, Name, Version and Icon", path)
	}
	return app, nil
}

// WriteIcons writes dir/hicolor/NxN/apps/ID.png for each size, resized
// from the app's icon with Catmull-Rom, and the SVG beside the PNG source
// (if there is one) as scalable/apps/ID.svg.
func WriteIcons(app App, dir string) error {
	src, err := readIcon(app)
	if err != nil {
		return err
	}
	for _, n := range IconSizes {
		dst := resized(src, n)
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, "hicolor", fmt.Sprintf("%dx%d", n, n), "apps", app.Details.ID+".png"), buf.Bytes()); err != nil {
			return err
		}
	}
	svg := app.Details.Icon[:len(app.Details.Icon)-len(filepath.Ext(app.Details.Icon))] + ".svg"
	if b, err := os.ReadFile(svg); err == nil {
		return writeFile(filepath.Join(dir, "hicolor", "scalable", "apps", app.Details.ID+".svg"), b)
	}
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Plist is the macOS bundle's Info.plist: the bundle id, name and version
// from FyneApp.toml, the minimum macOS, and the two usage descriptions
// without which macOS ends the app at its first microphone or camera
// access. (Unverified: no macOS here to open the bundle it goes into.)
func Plist(app App, version string) ([]byte, error) {
	if !app.Capabilities.Microphone || app.Capabilities.MicrophoneUsage == "" {
		return nil, errors.New("FyneApp.toml: [Capabilities] needs Microphone = true and a MicrophoneUsage text")
	}
	build := fmt.Sprint(app.Details.Build)
	kv := [][2]string{
		{"CFBundleDevelopmentRegion", "en"},
		{"CFBundleExecutable", "mediadesk"},
		{"CFBundleIconFile", "icon.icns"},
		{"CFBundleIdentifier", app.Details.ID},
		{"CFBundleInfoDictionaryVersion", "6.0"},
		{"CFBundleName", app.Details.Name},
		{"CFBundleDisplayName", app.Details.Name},
		{"CFBundlePackageType", "APPL"},
		{"CFBundleShortVersionString", version},
		{"CFBundleVersion", build},
		{"LSApplicationCategoryType", "public.app-category.utilities"},
		{"LSMinimumSystemVersion", MinimumMacOS},
		{"NSMicrophoneUsageDescription", app.Capabilities.MicrophoneUsage},
		{"NSCameraUsageDescription", CameraUsage},
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	for _, p := range kv {
		b.WriteString("\t<key>")
		xml.EscapeText(&b, []byte(p[0]))
		b.WriteString("</key>\n\t<string>")
		xml.EscapeText(&b, []byte(p[1]))
		b.WriteString("</string>\n")
	}
	b.WriteString("\t<key>NSHighResolutionCapable</key>\n\t<true/>\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes(), nil
}

// Desktop is the freedesktop.org desktop entry, ID.desktop: the name,
// comment, categories and keywords from FyneApp.toml (as `fyne package`
// writes them), the themed icon by id, and Exec as the package installs it.
func Desktop(app App) []byte {
	var b bytes.Buffer
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		}
	}
	list := func(vs []string) string {
		if len(vs) == 0 {
			return ""
		}
		return strings.Join(vs, ";") + ";"
	}
	b.WriteString("[Desktop Entry]\n")
	line("Type", "Application")
	line("Name", app.Details.Name)
	line("GenericName", app.LinuxAndBSD.GenericName)
	line("Comment", app.LinuxAndBSD.Comment)
	line("Exec", "mediadesk")
	line("Icon", app.Details.ID)
	line("Terminal", "false")
	line("Categories", list(app.LinuxAndBSD.Categories))
	line("Keywords", list(app.LinuxAndBSD.Keywords))
	line("StartupNotify", "true")
	return b.Bytes()
}

// ICOSizes are the installer icon's sizes (Windows picks one per DPI).
var ICOSizes = []int{16, 24, 32, 48, 64}

// ICO is the app icon as a Windows .ico for the installer and the
// uninstaller: one 32-bit BGRA bitmap (with its empty AND mask) per size,
// the format every Windows and NSIS read.
func ICO(app App) ([]byte, error) {
	src, err := readIcon(app)
	if err != nil {
		return nil, err
	}
	var images [][]byte
	for _, n := range ICOSizes {
		img := resized(src, n)
		var b bytes.Buffer
		le := func(v any) { binary.Write(&b, binary.LittleEndian, v) } // bytes.Buffer: no error
		maskRow := ((n + 31) / 32) * 4
		// BITMAPINFOHEADER; the height counts the XOR and AND images.
		le(uint32(40))
		le(int32(n))
		le(int32(2 * n))
		le(uint16(1))
		le(uint16(32))
		le(uint32(0))
		le(uint32(n*n*4 + maskRow*n))
		le([4]uint32{})
		for y := n - 1; y >= 0; y-- { // bottom-up
			for x := 0; x < n; x++ {
				c := img.NRGBAAt(x, y)
				b.Write([]byte{c.B, c.G, c.R, c.A})
			}
		}
		b.Write(make([]byte, maskRow*n))
		images = append(images, b.Bytes())
	}
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le([3]uint16{0, 1, uint16(len(images))})
	offset := 6 + 16*len(images)
	for i, n := range ICOSizes {
		b.Write([]byte{byte(n), byte(n), 0, 0})
		le([2]uint16{1, 32})
		le([2]uint32{uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	for _, im := range images {
		b.Write(im)
	}
	return b.Bytes(), nil
}

func readIcon(app App) (image.Image, error) {
	f, err := os.Open(app.Details.Icon)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", app.Details.Icon, err)
	}
	if b := src.Bounds(); b.Dx() != b.Dy() || b.Dx() < IconSizes[len(IconSizes)-1] {
		return nil, fmt.Errorf("%s is %dx%d; it must be square and at least %d pixels", app.Details.Icon, b.Dx(), b.Dy(), IconSizes[len(IconSizes)-1])
	}
	return src, nil
}

// resized scales src to n×n with Catmull-Rom.
func resized(src image.Image, n int) *image.NRGBA {
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}
