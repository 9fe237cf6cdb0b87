package devices

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// v4l2Probe lists cameras from /sys/class/video4linux and /dev. The roots
// are fields so tests can point them at fake trees.
type v4l2Probe struct {
	sysRoot string // normally /sys
	devRoot string // normally /dev
	io      v4l2IO
}

func newCameraProbe() cameraProbe {
	return &v4l2Probe{sysRoot: "/sys", devRoot: "/dev", io: kernelV4L2{}}
}

// greyFormats are the pixel formats of IR face-login cameras.
var greyFormats = map[string]bool{"GREY": true, "Y10": true, "Y12": true, "Y16": true, "Y10B": true, "Y8I": true, "Y12I": true}

func (p *v4l2Probe) Cameras(ctx context.Context) ([]Camera, error) {
	entries, err := os.ReadDir(filepath.Join(p.sysRoot, "class", "video4linux"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no V4L2 at all: no cameras, not an error
	}
	if err != nil {
		return nil, wrapError(CodeCameraProbeFailed, "cannot read the list of video devices", "", err)
	}
	links := p.persistentLinks()
	var cams []Camera
	var failures []error
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := e.Name()
		if !strings.HasPrefix(name, "video") {
			continue
		}
		cam, ok, err := p.probeNode(name, links)
		if err != nil {
			failures = append(failures, err)
			continue
		}
		if ok {
			cams = append(cams, cam)
		}
	}
	sort.Slice(cams, func(i, j int) bool { return nodeNumber(cams[i].Node) < nodeNumber(cams[j].Node) })
	if len(failures) > 0 {
		return cams, wrapError(CodeCameraProbeFailed, "some video devices could not be read",
			"check that you are in the 'video' group", errors.Join(failures...))
	}
	return cams, nil
}

// probeNode opens one /dev/videoN and decides whether it is a camera. ok is
// false for nodes that are not (metadata, output, M2M codecs) and for nodes
// that vanished between listing and opening.
func (p *v4l2Probe) probeNode(name string, links map[string]nodeLinks) (Camera, bool, error) {
	node := filepath.Join(p.devRoot, name)
	fd, err := p.io.Open(node)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) {
		return Camera{}, false, nil // unplugged while we looked
	}
	if err != nil {
		return Camera{}, false, fmt.Errorf("%s: %w", node, err)
	}
	defer p.io.Close(fd)

	var capab v4l2Capability
	if err := p.io.Ioctl(fd, vidiocQueryCap, unsafe.Pointer(&capab)); err != nil {
		if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENOTTY) {
			return Camera{}, false, nil
		}
		return Camera{}, false, fmt.Errorf("%s: VIDIOC_QUERYCAP: %w", node, err)
	}
	caps := capab.nodeCaps()
	var bufType uint32
	switch {
	case caps&(v4l2CapVideoM2M|v4l2CapVideoM2MMplane) != 0,
		caps&(v4l2CapVideoOutput|v4l2CapVideoOutputMplane) != 0:
		return Camera{}, false, nil // codecs and outputs take frames in, not from a lens
	case caps&v4l2CapVideoCapture != 0:
		bufType = v4l2BufTypeVideoCapture
	case caps&v4l2CapVideoCaptureMplane != 0:
		bufType = v4l2BufTypeVideoCaptureMplane
	default:
		return Camera{}, false, nil // e.g. a UVC metadata node (META_CAPTURE only)
	}
	formats := p.formats(fd, bufType)
	if len(formats) == 0 {
		return Camera{}, false, nil
	}

	cam := Camera{
		Node:    "/dev/" + name,
		Driver:  cString(capab.Driver[:]),
		BusInfo: cString(capab.BusInfo[:]),
		Formats: formats,
	}
	cam.Kind = VideoInput
	cam.Label = cString(capab.Card[:])
	if cam.Label == "" {
		cam.Label = name
	}
	cam.Infrared = allGrey(formats)

	l := links[name]
	switch {
	case l.byID != "":
		cam.DeviceID = "/dev/v4l/by-id/" + l.byID
	case l.byPath != "":
		cam.DeviceID = "/dev/v4l/by-path/" + l.byPath
	default:
		cam.DeviceID = "v4l2:" + cam.BusInfo + ":" + cam.Label
	}
	cam.GroupID = groupIDFor(p.groupKey(name, l, cam.DeviceID))
	return cam, true, nil
}

func (p *v4l2Probe) formats(fd int, bufType uint32) []Format {
	var out []Format
	for i := uint32(0); i < 256; i++ {
		desc := v4l2FmtDesc{Index: i, Type: bufType}
		if p.io.Ioctl(fd, vidiocEnumFmt, unsafe.Pointer(&desc)) != nil {
			break // EINVAL ends the list
		}
		f := Format{FourCC: fourCC(desc.PixelFormat), Description: cString(desc.Description[:])}
		for j := uint32(0); j < 256; j++ {
			fs := v4l2FrmSizeEnum{Index: j, PixelFormat: desc.PixelFormat}
			if p.io.Ioctl(fd, vidiocEnumFrameSizes, unsafe.Pointer(&fs)) != nil {
				break
			}
			if fs.Type == v4l2FrmSizeTypeDiscrete {
				f.Sizes = append(f.Sizes, FrameSize{Width: fs.Data[0], Height: fs.Data[1]})
				continue
			}
			// Stepwise or continuous: one range, min to max.
			f.Sizes = append(f.Sizes, FrameSize{Width: fs.Data[0], Height: fs.Data[3], MaxWidth: fs.Data[1], MaxHeight: fs.Data[4]})
			break
		}
		out = append(out, f)
	}
	return out
}

func allGrey(fs []Format) bool {
	for _, f := range fs {
		if !greyFormats[f.FourCC] {
			return false
		}
	}
	return len(fs) > 0
}

type nodeLinks struct{ byID, byPath string }

// persistentLinks maps videoN to its udev links in /dev/v4l/by-id and
// by-path. Where several by-id links point at one node (rare), the first in
// name order wins, so the choice is stable.
func (p *v4l2Probe) persistentLinks() map[string]nodeLinks {
	out := map[string]nodeLinks{}
	for _, dir := range []string{"by-id", "by-path"} {
		entries, _ := os.ReadDir(filepath.Join(p.devRoot, "v4l", dir))
		for _, e := range entries {
			target, err := os.Readlink(filepath.Join(p.devRoot, "v4l", dir, e.Name()))
			if err != nil {
				continue
			}
			node := filepath.Base(target)
			l := out[node]
			if dir == "by-id" && l.byID == "" {
				l.byID = e.Name()
			}
			if dir == "by-path" && l.byPath == "" {
				l.byPath = e.Name()
			}
			out[node] = l
		}
	}
	return out
}

// groupKey finds the physical device: the sysfs parent of the node (the USB
// device for a webcam, matching what the sound server reports for its
// microphone), else the by-path link, else the id itself.
func (p *v4l2Probe) groupKey(name string, l nodeLinks, id string) string {
	dev := filepath.Join(p.sysRoot, "class", "video4linux", name, "device")
	if real, err := filepath.EvalSymlinks(dev); err == nil {
		rel, err := filepath.Rel(p.sysRoot, real)
		if err == nil && !strings.HasPrefix(rel, "..") {
			return sysfsGroupKey(rel)
		}
	}
	if l.byPath != "" {
		base, _, _ := strings.Cut(l.byPath, "-video-index")
		return busPathGroupKey(base)
	}
	return "dev:" + id
}

func nodeNumber(node string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(node), "video"))
	if err != nil {
		return 1 << 30
	}
	return n
}
