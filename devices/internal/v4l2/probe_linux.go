package v4l2

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

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/sysfs"
)

// ErrUnreadable is returned (wrapped, with the nodes and causes) when the
// video devices, or some of them, could not be read; the cameras that
// could be are returned with it.
var ErrUnreadable = errors.New("video devices could not be read")

// Probe lists cameras from /sys/class/video4linux and /dev. The roots are
// fields so tests can point them at fake trees.
type Probe struct {
	SysRoot string // normally /sys
	DevRoot string // normally /dev
	IO      IO
}

// NewProbe returns the probe of this machine.
func NewProbe() *Probe {
	return &Probe{SysRoot: "/sys", DevRoot: "/dev", IO: Kernel{}}
}

// greyFormats are the pixel formats of IR face-login cameras.
var greyFormats = map[string]bool{"GREY": true, "Y10": true, "Y12": true, "Y16": true, "Y10B": true, "Y8I": true, "Y12I": true}

// Cameras lists the capture nodes that are cameras, in node order. Output,
// codec and metadata nodes are left out.
func (p *Probe) Cameras(ctx context.Context) ([]camera.Found, error) {
	entries, err := os.ReadDir(filepath.Join(p.SysRoot, "class", "video4linux"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no V4L2 at all: no cameras, not an error
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	links := p.persistentLinks()
	var cams []camera.Found
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
		return cams, fmt.Errorf("%w: %w", ErrUnreadable, errors.Join(failures...))
	}
	return cams, nil
}

// probeNode opens one /dev/videoN and decides whether it is a camera. ok is
// false for nodes that are not (metadata, output, M2M codecs) and for nodes
// that vanished between listing and opening.
func (p *Probe) probeNode(name string, links map[string]nodeLinks) (camera.Found, bool, error) {
	node := filepath.Join(p.DevRoot, name)
	fd, err := p.IO.Open(node)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) {
		return camera.Found{}, false, nil // unplugged while we looked
	}
	if err != nil {
		return camera.Found{}, false, fmt.Errorf("%s: %w", node, err)
	}
	defer p.IO.Close(fd)

	var capab v4l2Capability
	if err := p.IO.Ioctl(fd, vidiocQueryCap, unsafe.Pointer(&capab)); err != nil {
		if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENOTTY) {
			return camera.Found{}, false, nil
		}
		return camera.Found{}, false, fmt.Errorf("%s: VIDIOC_QUERYCAP: %w", node, err)
	}
	caps := capab.nodeCaps()
	var bufType uint32
	switch {
	case caps&(v4l2CapVideoM2M|v4l2CapVideoM2MMplane) != 0,
		caps&(v4l2CapVideoOutput|v4l2CapVideoOutputMplane) != 0:
		return camera.Found{}, false, nil // codecs and outputs take frames in, not from a lens
	case caps&v4l2CapVideoCapture != 0:
		bufType = v4l2BufTypeVideoCapture
	case caps&v4l2CapVideoCaptureMplane != 0:
		bufType = v4l2BufTypeVideoCaptureMplane
	default:
		return camera.Found{}, false, nil // e.g. a UVC metadata node (META_CAPTURE only)
	}
	formats := enumFormats(p.IO, fd, bufType)
	if len(formats) == 0 {
		return camera.Found{}, false, nil
	}

	cam := camera.Found{
		Node:    "/dev/" + name,
		Driver:  cString(capab.Driver[:]),
		BusInfo: cString(capab.BusInfo[:]),
		Formats: formats,
	}
	cam.Label = cString(capab.Card[:])
	if cam.Label == "" {
		cam.Label = name
	}
	cam.Infrared = allGrey(formats)

	l := links[name]
	switch {
	case l.byID != "":
		cam.ID = "/dev/v4l/by-id/" + l.byID
	case l.byPath != "":
		cam.ID = "/dev/v4l/by-path/" + l.byPath
	default:
		cam.ID = "v4l2:" + cam.BusInfo + ":" + cam.Label
	}
	cam.GroupKey = p.groupKey(name, l, cam.ID)
	return cam, true, nil
}

// enumFormats lists a node's pixel formats and their frame sizes.
func enumFormats(io IO, fd int, bufType uint32) []camera.Format {
	var out []camera.Format
	for i := uint32(0); i < 256; i++ {
		desc := v4l2FmtDesc{Index: i, Type: bufType}
		if io.Ioctl(fd, vidiocEnumFmt, unsafe.Pointer(&desc)) != nil {
			break // EINVAL ends the list
		}
		f := camera.Format{FourCC: FourCC(desc.PixelFormat), Description: cString(desc.Description[:])}
		for j := uint32(0); j < 256; j++ {
			fs := v4l2FrmSizeEnum{Index: j, PixelFormat: desc.PixelFormat}
			if io.Ioctl(fd, vidiocEnumFrameSizes, unsafe.Pointer(&fs)) != nil {
				break
			}
			if fs.Type == v4l2FrmSizeTypeDiscrete {
				f.Sizes = append(f.Sizes, camera.FrameSize{Width: fs.Data[0], Height: fs.Data[1]})
				continue
			}
			// Stepwise or continuous: one range, min to max.
			f.Sizes = append(f.Sizes, camera.FrameSize{Width: fs.Data[0], Height: fs.Data[3], MaxWidth: fs.Data[1], MaxHeight: fs.Data[4]})
			break
		}
		out = append(out, f)
	}
	return out
}

func allGrey(fs []camera.Format) bool {
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
func (p *Probe) persistentLinks() map[string]nodeLinks {
	out := map[string]nodeLinks{}
	for _, dir := range []string{"by-id", "by-path"} {
		entries, _ := os.ReadDir(filepath.Join(p.DevRoot, "v4l", dir))
		for _, e := range entries {
			target, err := os.Readlink(filepath.Join(p.DevRoot, "v4l", dir, e.Name()))
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
func (p *Probe) groupKey(name string, l nodeLinks, id string) string {
	dev := filepath.Join(p.SysRoot, "class", "video4linux", name, "device")
	if real, err := filepath.EvalSymlinks(dev); err == nil {
		rel, err := filepath.Rel(p.SysRoot, real)
		if err == nil && !strings.HasPrefix(rel, "..") {
			return sysfs.GroupKey(rel)
		}
	}
	if l.byPath != "" {
		base, _, _ := strings.Cut(l.byPath, "-video-index")
		return sysfs.BusPathGroupKey(base)
	}
	return sysfs.OwnGroupKey(id)
}

func nodeNumber(node string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(node), "video"))
	if err != nil {
		return 1 << 30
	}
	return n
}
