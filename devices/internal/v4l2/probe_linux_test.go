package v4l2

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/sysfs"
)

// fakeNode answers the ioctls of one /dev/videoN like a driver would.
type fakeNode struct {
	driver, card, bus string
	caps, devCaps     uint32 // devCaps is used when caps has DEVICE_CAPS
	formats           []fakeFormat
	openErr           error
}

type fakeFormat struct {
	bufType     uint32
	fourcc, txt string
	sizes       [][2]uint32
}

type fakeV4L2 struct {
	nodes map[string]*fakeNode // by path
	open  map[int]*fakeNode
	next  int
}

func (f *fakeV4L2) Open(path string) (int, error) {
	n, ok := f.nodes[path]
	if !ok {
		return -1, unix.ENOENT
	}
	if n.openErr != nil {
		return -1, n.openErr
	}
	f.next++
	f.open[f.next] = n
	return f.next, nil
}

func (f *fakeV4L2) Close(fd int) error {
	delete(f.open, fd)
	return nil
}

func putString(dst []byte, s string) { copy(dst, s) }

func (f *fakeV4L2) Ioctl(fd int, req uint, arg unsafe.Pointer) error {
	n, ok := f.open[fd]
	if !ok {
		return unix.EBADF
	}
	switch req {
	case vidiocQueryCap:
		c := (*v4l2Capability)(arg)
		putString(c.Driver[:], n.driver)
		putString(c.Card[:], n.card)
		putString(c.BusInfo[:], n.bus)
		c.Capabilities, c.DeviceCaps = n.caps, n.devCaps
		return nil
	case vidiocEnumFmt:
		d := (*v4l2FmtDesc)(arg)
		var match []fakeFormat
		for _, ff := range n.formats {
			if ff.bufType == d.Type {
				match = append(match, ff)
			}
		}
		if int(d.Index) >= len(match) {
			return unix.EINVAL
		}
		ff := match[d.Index]
		d.PixelFormat = fourCCValue(ff.fourcc)
		putString(d.Description[:], ff.txt)
		return nil
	case vidiocEnumFrameSizes:
		s := (*v4l2FrmSizeEnum)(arg)
		for _, ff := range n.formats {
			if fourCCValue(ff.fourcc) == s.PixelFormat {
				if int(s.Index) >= len(ff.sizes) {
					return unix.EINVAL
				}
				s.Type = v4l2FrmSizeTypeDiscrete
				s.Data[0], s.Data[1] = ff.sizes[s.Index][0], ff.sizes[s.Index][1]
				return nil
			}
		}
		return unix.EINVAL
	}
	return unix.ENOTTY
}

// tree builds a fake /sys and /dev: each node gets a sysfs entry whose
// device link points at usbIface, and the given persistent links.
type tree struct {
	t        *testing.T
	sys, dev string
	fake     *fakeV4L2
}

func newTree(t *testing.T) *tree {
	root := t.TempDir()
	return &tree{t: t, sys: filepath.Join(root, "sys"), dev: filepath.Join(root, "dev"),
		fake: &fakeV4L2{nodes: map[string]*fakeNode{}, open: map[int]*fakeNode{}}}
}

// add puts node name (e.g. "video0") in sysfs, linked to a device
// directory below /sys/devices, and registers its ioctl answers (nil: the
// node vanishes before it can be opened).
func (tr *tree) add(name, deviceDir string, n *fakeNode) {
	cls := filepath.Join(tr.sys, "class", "video4linux", name)
	require.NoError(tr.t, os.MkdirAll(cls, 0o755))
	if deviceDir != "" {
		target := filepath.Join(tr.sys, "devices", deviceDir)
		require.NoError(tr.t, os.MkdirAll(target, 0o755))
		require.NoError(tr.t, os.Symlink(target, filepath.Join(cls, "device")))
	}
	if n != nil {
		tr.fake.nodes[filepath.Join(tr.dev, name)] = n
	}
}

func (tr *tree) link(kind, linkName, node string) {
	dir := filepath.Join(tr.dev, "v4l", kind)
	require.NoError(tr.t, os.MkdirAll(dir, 0o755))
	require.NoError(tr.t, os.Symlink("../../"+node, filepath.Join(dir, linkName)))
}

func (tr *tree) probe() *Probe { return &Probe{SysRoot: tr.sys, DevRoot: tr.dev, IO: tr.fake} }

const (
	capsVideoNode = v4l2CapVideoCapture | 0x04000000 // + STREAMING
	capsAll       = v4l2CapVideoCapture | v4l2CapMetaCapture | 0x04000000 | v4l2CapDeviceCaps
)

func webcam(card, bus string) *fakeNode {
	return &fakeNode{driver: "uvcvideo", card: card, bus: bus, caps: capsAll, devCaps: capsVideoNode,
		formats: []fakeFormat{
			{bufType: v4l2BufTypeVideoCapture, fourcc: "MJPG", txt: "Motion-JPEG", sizes: [][2]uint32{{1920, 1080}, {1280, 720}}},
			{bufType: v4l2BufTypeVideoCapture, fourcc: "YUYV", txt: "YUYV 4:2:2", sizes: [][2]uint32{{640, 480}}},
		}}
}

// metadata is the second node uvcvideo makes: VIDEO_CAPTURE appears in the
// device's capabilities but not in this node's device_caps.
func metadata(card, bus string) *fakeNode {
	return &fakeNode{driver: "uvcvideo", card: card, bus: bus, caps: capsAll,
		devCaps: v4l2CapMetaCapture | 0x04000000 | v4l2CapDeviceCaps,
		formats: []fakeFormat{{bufType: 13, fourcc: "UVCH", txt: "UVC Payload Header Metadata"}}}
}

func TestV4L2Probe(t *testing.T) {
	tr := newTree(t)
	usb1 := "pci0000:00/0000:00:14.0/usb1/1-1"
	// A webcam: video node + metadata node, both with udev links.
	tr.add("video0", usb1+"/1-1:1.0", webcam("C920 HD Pro Webcam", "usb-0000:00:14.0-1"))
	tr.add("video1", usb1+"/1-1:1.0", metadata("C920 HD Pro Webcam", "usb-0000:00:14.0-1"))
	tr.link("by-id", "usb-046d_C920_ABC123-video-index0", "video0")
	tr.link("by-id", "usb-046d_C920_ABC123-video-index1", "video1")
	tr.link("by-path", "pci-0000:00:14.0-usb-0:1:1.0-video-index0", "video0")
	// An IR face-login camera: GREY only.
	tr.add("video2", "pci0000:00/0000:00:14.0/usb1/1-5/1-5:1.2", &fakeNode{driver: "uvcvideo", card: "Integrated IR Camera", bus: "usb-0000:00:14.0-5",
		caps: capsAll, devCaps: capsVideoNode,
		formats: []fakeFormat{{bufType: v4l2BufTypeVideoCapture, fourcc: "GREY", txt: "8-bit Greyscale", sizes: [][2]uint32{{640, 360}}}}})
	// A memory-to-memory codec: frames in and out, no lens.
	tr.add("video3", "platform/codec", &fakeNode{driver: "hantro-vpu", card: "hantro-vpu-dec", bus: "platform:hantro",
		caps: v4l2CapVideoM2MMplane | v4l2CapDeviceCaps, devCaps: v4l2CapVideoM2MMplane,
		formats: []fakeFormat{{bufType: v4l2BufTypeVideoCaptureMplane, fourcc: "NV12", txt: "Y/UV 4:2:0"}}})
	// Two identical webcams without serial numbers: udev's by-id link goes
	// to the last one only; by-path tells them apart.
	tr.add("video4", "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0", webcam("HD Webcam", "usb-0000:00:14.0-2"))
	tr.add("video6", "pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0", webcam("HD Webcam", "usb-0000:00:14.0-3"))
	tr.link("by-id", "usb-Generic_HD_Webcam-video-index0", "video6")
	tr.link("by-path", "pci-0000:00:14.0-usb-0:2:1.0-video-index0", "video4")
	tr.link("by-path", "pci-0000:00:14.0-usb-0:3:1.0-video-index0", "video6")
	// A node unplugged between listing sysfs and opening /dev.
	tr.add("video8", "pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0", nil)
	// A multi-planar capture device with no udev (containers): bus_info id.
	tr.add("video9", "platform/isp", &fakeNode{driver: "rkisp1", card: "rkisp1", bus: "platform:rkisp1",
		caps: v4l2CapVideoCaptureMplane | v4l2CapDeviceCaps, devCaps: v4l2CapVideoCaptureMplane,
		formats: []fakeFormat{{bufType: v4l2BufTypeVideoCaptureMplane, fourcc: "NV12", txt: "Y/UV 4:2:0", sizes: [][2]uint32{{1920, 1080}}}}})
	// Not a video node at all.
	require.NoError(t, os.MkdirAll(filepath.Join(tr.sys, "class", "video4linux", "v4l-subdev0"), 0o755))

	cams, err := tr.probe().Cameras(context.Background())
	require.NoError(t, err)

	var nodes []string
	byNode := map[string]camera.Found{}
	for _, c := range cams {
		nodes = append(nodes, c.Node)
		byNode[c.Node] = c
	}
	assert.Equal(t, []string{"/dev/video0", "/dev/video2", "/dev/video4", "/dev/video6", "/dev/video9"}, nodes,
		"metadata node, M2M codec and vanished node are not cameras")

	c920 := byNode["/dev/video0"]
	assert.Equal(t, "/dev/v4l/by-id/usb-046d_C920_ABC123-video-index0", c920.ID)
	assert.Equal(t, "C920 HD Pro Webcam", c920.Label)
	assert.False(t, c920.Infrared)
	require.Len(t, c920.Formats, 2)
	assert.Equal(t, "MJPG", c920.Formats[0].FourCC)
	assert.Equal(t, []camera.FrameSize{{Width: 1920, Height: 1080}, {Width: 1280, Height: 720}}, c920.Formats[0].Sizes)
	// The webcam's microphone as PulseAudio reports its card shares the group.
	assert.Equal(t, sysfs.GroupKey("/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.3/sound/card2"), c920.GroupKey)

	assert.True(t, byNode["/dev/video2"].Infrared)

	a, b := byNode["/dev/video4"], byNode["/dev/video6"]
	assert.Equal(t, a.Label, b.Label)
	assert.NotEqual(t, a.ID, b.ID, "identical webcams need distinct ids")
	assert.Equal(t, "/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0", a.ID)
	assert.Equal(t, "/dev/v4l/by-id/usb-Generic_HD_Webcam-video-index0", b.ID)
	assert.NotEqual(t, a.GroupKey, b.GroupKey)

	assert.Equal(t, "v4l2:platform:rkisp1:rkisp1", byNode["/dev/video9"].ID)
	for _, c := range cams {
		assert.NotEmpty(t, c.GroupKey)
	}
}

func TestV4L2ProbeReportsUnreadableNodes(t *testing.T) {
	tr := newTree(t)
	tr.add("video0", "pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0", webcam("Cam", "usb-1"))
	tr.add("video2", "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0", &fakeNode{openErr: unix.EACCES})
	cams, err := tr.probe().Cameras(context.Background())
	assert.ErrorIs(t, err, ErrUnreadable)
	assert.ErrorIs(t, err, unix.EACCES)
	require.Len(t, cams, 1, "readable cameras are still listed")
	assert.Equal(t, "/dev/video0", cams[0].Node)
}

func TestV4L2ProbeNoVideo4Linux(t *testing.T) {
	tr := newTree(t)
	cams, err := tr.probe().Cameras(context.Background())
	assert.NoError(t, err)
	assert.Empty(t, cams)
}

// FourCC names stay valid UTF-8 and read as v4l2-ctl prints them; vivid's
// Y16 big-endian format (bit 31 set) once came out as "Y16\xa0".
func TestFourCC(t *testing.T) {
	for _, tc := range []struct {
		v    uint32
		want string
	}{
		{fourCCValue("YUYV"), "YUYV"},
		{fourCCValue("Y16 "), "Y16"},
		{fourCCValue("GREY"), "GREY"},
		{fourCCValue("Y16 ") | 1<<31, "Y16 -BE"},
		{fourCCValue("RGBR") | 1<<31, "RGBR-BE"},
		{0x00ff1259, `Y\x12\xff`},
		{0, ""},
	} {
		got := FourCC(tc.v)
		assert.Equal(t, tc.want, got, "%#08x", tc.v)
		assert.True(t, utf8.ValidString(got))
	}
}

func FuzzFourCC(f *testing.F) {
	f.Add(uint32(0x20363159) | 1<<31)
	f.Add(fourCCValue("MJPG"))
	f.Fuzz(func(t *testing.T, v uint32) {
		got := FourCC(v)
		if !utf8.ValidString(got) {
			t.Fatalf("FourCC(%#x) = %q: not UTF-8", v, got)
		}
		if v&(1<<31) != 0 && !strings.HasSuffix(got, "-BE") {
			t.Fatalf("FourCC(%#x) = %q: big-endian flag lost", v, got)
		}
	})
}
