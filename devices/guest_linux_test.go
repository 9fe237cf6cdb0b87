package devices_test

// Tests against real kernel drivers: vivid (a V4L2 webcam and its other
// nodes), snd-dummy and snd-aloop (ALSA cards), with no sound server and
// no udev, as in the QEMU guest that `make test-guest` boots
// (scripts/guest). They load and unload kernel modules, so they run only
// where MEDIADESK_GUEST=1 says they may; everywhere else they skip. They
// use the package's public API only, as an application would.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/guesttest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// The ALSA ids of the guest's cards: snd-dummy is card "Dummy" with one
// PCM device; snd-aloop is card "Loopback", where what is played on device
// 0 is captured on device 1 (and the other way round).
const (
	dummyID     = "hw:CARD=Dummy,DEV=0"
	loopPlayID  = "hw:CARD=Loopback,DEV=0"
	loopRecID   = "hw:CARD=Loopback,DEV=1"
	guestWait   = guesttest.Wait
	hotplugWait = 30 * time.Second
)

func guestManager(t *testing.T) *devices.Manager {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guestWait)
	defer cancel()
	// Rescan: an hour, so every change a test sees came through netlink
	// uevents, not through the slow safety scan.
	m, err := devices.New(ctx, devices.Options{Rescan: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// waitFor polls cond until it holds, failing with what it waited for.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	pulsetest.WaitFor(t, guestWait, what, cond)
}

// refreshUntil rescans until cond holds on the Manager's lists.
func refreshUntil(t *testing.T, m *devices.Manager, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), guestWait)
		defer cancel()
		m.Refresh(ctx)
		return cond()
	})
}

// videoNode is one /sys/class/video4linux entry: videoN, radioN, swradioN,
// vbiN, v4l-touchN, with the name its driver gave it.
type videoNode struct{ dev, name string }

func videoNodes(t *testing.T) []videoNode {
	t.Helper()
	entries, err := os.ReadDir("/sys/class/video4linux")
	require.NoError(t, err)
	var out []videoNode
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/sys/class/video4linux", e.Name(), "name"))
		require.NoError(t, err)
		out = append(out, videoNode{dev: "/dev/" + e.Name(), name: strings.TrimSpace(string(b))})
	}
	return out
}

func nodeName(t *testing.T, dev string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/class/video4linux", filepath.Base(dev), "name"))
	require.NoError(t, err, "the camera's node %s has no sysfs entry", dev)
	return strings.TrimSpace(string(b))
}

// enumFormats asks the node for its capture formats with VIDIOC_ENUM_FMT,
// independently of the probe, so the test knows what "every format" is.
func enumFormats(t *testing.T, dev string) []uint32 {
	t.Helper()
	type fmtdesc struct {
		Index, Type, Flags  uint32
		Description         [32]byte
		PixelFormat, MbCode uint32
		Reserved            [3]uint32
	}
	const vidiocEnumFmt = 0xc0405602 // _IOWR('V', 2, struct v4l2_fmtdesc)
	require.EqualValues(t, 64, unsafe.Sizeof(fmtdesc{}))
	fd, err := unix.Open(dev, unix.O_RDWR|unix.O_CLOEXEC, 0)
	require.NoError(t, err, dev)
	defer unix.Close(fd)
	var out []uint32
	for i := uint32(0); ; i++ {
		d := fmtdesc{Index: i, Type: 1} // V4L2_BUF_TYPE_VIDEO_CAPTURE
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), vidiocEnumFmt, uintptr(unsafe.Pointer(&d)))
		if errno != 0 {
			require.ErrorIs(t, errno, unix.EINVAL, "VIDIOC_ENUM_FMT %d on %s", i, dev)
			return out
		}
		out = append(out, d.PixelFormat)
	}
}

func TestGuestCameraListed(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "vivid")
	m := guestManager(t)

	cams := m.Cameras()
	require.Len(t, cams, 1, "one vivid instance is one camera: %+v", cams)
	c := cams[0]
	t.Logf("camera: id %q label %q node %s driver %q bus %q, %d formats", c.DeviceID, c.Label, c.Node, c.Driver, c.BusInfo, len(c.Formats))
	assert.Equal(t, "vivid-000-vid-cap", nodeName(t, c.Node), "the capture node is the one listed")
	assert.Equal(t, devices.VideoInput, c.Kind)
	assert.Equal(t, "vivid", c.Label, "the card name from VIDIOC_QUERYCAP")
	assert.Equal(t, "vivid", c.Driver)
	assert.Equal(t, "platform:vivid-000", c.BusInfo)
	assert.NotEmpty(t, c.DeviceID)
	assert.NotContains(t, c.DeviceID, filepath.Base(c.Node), "the id must not name the node, whose number can change")
	assert.NotEmpty(t, c.GroupID)
	assert.False(t, c.Infrared, "vivid offers colour formats")
	list := m.VideoInputDevices()
	require.Len(t, list, 1, "the list carries the camera")
	assert.Equal(t, c.DeviceID, list[0].DeviceID)
	assert.Equal(t, c.Label, list[0].Label)
	assert.Equal(t, c.GroupID, list[0].GroupID)
	assert.True(t, list[0].Default, "the only camera stands in for the default")

	// Formats: vivid's webcam input has no MJPEG and these discrete sizes.
	byFourCC := map[string]devices.Format{}
	for _, f := range c.Formats {
		byFourCC[f.FourCC] = f
	}
	for _, want := range []string{"YUYV", "UYVY", "NV12", "YU12", "GREY", "RGB3"} {
		assert.Contains(t, byFourCC, want, "vivid offers %s", want)
	}
	assert.NotContains(t, byFourCC, "MJPG")
	webcam := []devices.FrameSize{{Width: 320, Height: 180}, {Width: 640, Height: 360}, {Width: 640, Height: 480},
		{Width: 1280, Height: 720}, {Width: 1920, Height: 1080}, {Width: 3840, Height: 2160}}
	assert.Equal(t, webcam, byFourCC["YUYV"].Sizes)
	assert.Equal(t, webcam, byFourCC["NV12"].Sizes)
	assert.Len(t, c.Formats, len(enumFormats(t, c.Node)), "every format the node offers is listed")

	// The other nodes exist and are not cameras.
	kinds := map[string]bool{}
	for _, n := range videoNodes(t) {
		suffix := strings.TrimPrefix(n.name, "vivid-000-")
		kinds[suffix] = true
		if n.dev != c.Node {
			for _, other := range cams {
				assert.NotEqual(t, n.dev, other.Node, "%s (%s) listed as a camera", n.dev, n.name)
			}
		}
	}
	for _, k := range []string{"vid-out", "vbi-cap", "vbi-out", "meta-cap", "meta-out", "sdr-cap", "rad-rx", "rad-tx", "touch-cap"} {
		assert.True(t, kinds[k], "vivid made no %s node to skip (nodes: %v)", k, videoNodes(t))
	}

	// Stable: a second Manager gives the same id, and so does the camera
	// coming back at another node number.
	second := guestManager(t).Cameras()
	if assert.Len(t, second, 1) {
		assert.Equal(t, c.DeviceID, second[0].DeviceID, "same id from a second scan")
	}
	guesttest.Rmmod(t, "vivid")
	guesttest.Modprobe(t, "vivid", "vid_cap_nr=7")
	refreshUntil(t, m, "vivid back at /dev/video7", func() bool {
		cs := m.Cameras()
		return len(cs) == 1 && cs[0].Node == "/dev/video7"
	})
	again := m.Cameras()[0]
	assert.Equal(t, c.DeviceID, again.DeviceID, "the id survives the node moving from %s to %s", c.Node, again.Node)
	assert.Equal(t, c.GroupID, again.GroupID)
}

// Every fourCC vivid has is reported as valid UTF-8 (it goes out in JSON),
// and two pixel formats never share a name (issue #13 point 15: the
// big-endian flag, bit 31, was read as a byte: "Y16\xa0").
func TestGuestCameraFourCCNames(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "vivid")
	m := guestManager(t)
	cams := m.Cameras()
	require.Len(t, cams, 1)
	c := cams[0]
	raw := enumFormats(t, c.Node)
	require.Len(t, c.Formats, len(raw), "every format the node offers is listed")

	seen := map[string]uint32{}
	var bad []string
	for i, f := range c.Formats {
		switch {
		case f.FourCC == "":
			bad = append(bad, fmt.Sprintf("%#08x: empty fourcc", raw[i]))
		case !utf8.ValidString(f.FourCC):
			bad = append(bad, fmt.Sprintf("%#08x: %q is not valid UTF-8", raw[i], f.FourCC))
		case strings.ContainsFunc(f.FourCC, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			bad = append(bad, fmt.Sprintf("%#08x: %q has control characters", raw[i], f.FourCC))
		}
		if prev, dup := seen[f.FourCC]; dup {
			bad = append(bad, fmt.Sprintf("%#08x and %#08x are both called %q", prev, raw[i], f.FourCC))
		}
		seen[f.FourCC] = raw[i]
		if !utf8.ValidString(f.Description) {
			bad = append(bad, fmt.Sprintf("%#08x: description %q is not valid UTF-8", raw[i], f.Description))
		}
	}
	assert.Empty(t, bad, "of %d formats", len(c.Formats))
}

func TestGuestCamerasDistinctIDs(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "vivid", "n_devs=2")
	m := guestManager(t)
	cams := m.Cameras()
	require.Len(t, cams, 2, "two vivid instances are two cameras: %+v", cams)
	for i, c := range cams {
		assert.Equal(t, fmt.Sprintf("vivid-%03d-vid-cap", i), nodeName(t, c.Node))
		t.Logf("camera %d: id %q group %q node %s", i, c.DeviceID, c.GroupID, c.Node)
	}
	assert.NotEqual(t, cams[0].DeviceID, cams[1].DeviceID, "same card name, different instances: different ids")
	// No assertion on the groups: vivid hangs every instance from the one
	// platform device vivid.0, so sharing a groupId is the kernel's view.
	assert.Len(t, m.VideoInputDevices(), 2)
}

// deviceKey names a device in a change: the same id can be an input and an
// output.
func deviceKey(d devices.Info) string { return string(d.Kind) + " " + d.DeviceID }

func deviceKeys(list []devices.Info) []string {
	out := []string{}
	for _, d := range list {
		out = append(out, deviceKey(d))
	}
	sort.Strings(out)
	return out
}

// expectChange reads onMediaDeviceListUpdated events until the devices
// added and removed add up to exactly want (a burst of uevents may be
// scanned in more than one step), failing at once on any other device
// coming or going, on onError, or after hotplugWait.
func expectChange(t *testing.T, sub *devices.Subscription, what string, added, removed []devices.Info) devices.Event {
	t.Helper()
	wantAdded, wantRemoved := deviceKeys(added), deviceKeys(removed)
	gotAdded, gotRemoved := []string{}, []string{}
	deadline := time.After(hotplugWait)
	for {
		select {
		case e := <-sub.Events():
			t.Logf("%s: event: +%v -%v ~%v", what, deviceKeys(e.Added), deviceKeys(e.Removed), deviceKeys(e.Changed))
			gotAdded = append(gotAdded, deviceKeys(e.Added)...)
			gotRemoved = append(gotRemoved, deviceKeys(e.Removed)...)
			sort.Strings(gotAdded)
			sort.Strings(gotRemoved)
			for _, k := range gotAdded {
				require.Contains(t, wantAdded, k, "%s: an unexpected device was added", what)
			}
			for _, k := range gotRemoved {
				require.Contains(t, wantRemoved, k, "%s: an unexpected device was removed", what)
			}
			if assert.ObjectsAreEqual(wantAdded, gotAdded) && assert.ObjectsAreEqual(wantRemoved, gotRemoved) {
				return e
			}
		case err := <-sub.Errors():
			t.Fatalf("%s: onError %v", what, err)
		case <-deadline:
			t.Fatalf("%s: after %v, added %v (want %v), removed %v (want %v)", what, hotplugWait, gotAdded, wantAdded, gotRemoved, wantRemoved)
		}
	}
}

func TestGuestCameraHotplug(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "vivid")
	m := guestManager(t)
	cams := m.VideoInputDevices()
	require.Len(t, cams, 1)
	sub := m.Subscribe()
	defer sub.Close()

	guesttest.Rmmod(t, "vivid")
	e := expectChange(t, sub, "rmmod vivid", nil, cams)
	assert.Empty(t, e.VideoInputDevices)

	guesttest.Modprobe(t, "vivid")
	e = expectChange(t, sub, "modprobe vivid", cams, nil)
	assert.Equal(t, cams, e.VideoInputDevices, "the same camera, same id and group, is back")
}

func TestGuestALSAHotplug(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "snd-dummy")
	guesttest.Modprobe(t, "snd-aloop")
	m := guestManager(t)
	all := append(m.AudioInputDevices(), m.AudioOutputDevices()...)
	of := func(card string) []devices.Info {
		var out []devices.Info
		for _, d := range all {
			if strings.HasPrefix(d.DeviceID, "hw:CARD="+card+",") {
				out = append(out, d)
			}
		}
		return out
	}
	dummy, loop := of("Dummy"), of("Loopback")
	require.Len(t, dummy, 2, "snd-dummy: one input, one output: %v", deviceKeys(all))
	require.Len(t, loop, 4, "snd-aloop: two devices, each an input and an output: %v", deviceKeys(all))
	sub := m.Subscribe()
	defer sub.Close()

	guesttest.Rmmod(t, "snd-dummy")
	expectChange(t, sub, "rmmod snd-dummy", nil, dummy)
	guesttest.Modprobe(t, "snd-dummy")
	expectChange(t, sub, "modprobe snd-dummy", dummy, nil)
	guesttest.Rmmod(t, "snd-aloop")
	expectChange(t, sub, "rmmod snd-aloop", nil, loop)
	guesttest.Modprobe(t, "snd-aloop")
	e := expectChange(t, sub, "modprobe snd-aloop", loop, nil)
	assert.ElementsMatch(t, deviceKeys(all), deviceKeys(append(e.AudioInputDevices, e.AudioOutputDevices...)), "back to where it started")
}

func TestGuestALSAFallbackListing(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "snd-dummy")
	guesttest.Modprobe(t, "snd-aloop")
	m := guestManager(t)
	require.Equal(t, "alsa", m.AudioBackend(), "no sound server in the guest: raw ALSA")
	if err := m.Err(); err != nil {
		assert.ErrorIs(t, err, devices.ErrSoundServerUnavailable, "the only problem is the missing sound server")
	}

	// Exactly the hardware devices: no "default", "sysdefault", dmix,
	// dsnoop, plughw, null or other plugin names.
	want := []string{dummyID, loopPlayID, loopRecID}
	ids := func(l []devices.Info) []string {
		var out []string
		for _, d := range l {
			out = append(out, d.DeviceID)
		}
		return out
	}
	assert.ElementsMatch(t, want, ids(m.AudioInputDevices()), "inputs")
	assert.ElementsMatch(t, want, ids(m.AudioOutputDevices()), "outputs")

	group := map[string]string{}
	for _, d := range append(m.AudioInputDevices(), m.AudioOutputDevices()...) {
		assert.NotEmpty(t, d.Label, d.DeviceID)
		assert.NotEmpty(t, d.GroupID, d.DeviceID)
		card := strings.TrimPrefix(strings.Split(d.DeviceID, ",")[0], "hw:CARD=")
		if g, ok := group[card]; ok {
			assert.Equal(t, g, d.GroupID, "%s %s: one card, one group", d.Kind, d.DeviceID)
		}
		group[card] = d.GroupID
		t.Logf("%s %q %q group %s", d.Kind, d.DeviceID, d.Label, d.GroupID)
	}
	assert.NotEqual(t, group["Dummy"], group["Loopback"], "two cards, two groups")
}

// readLevels collects meter readings until n arrive, failing if the meter
// ends or they do not come within guestWait.
func readLevels(t *testing.T, mt *devices.Meter, n int, what string) []devices.Reading {
	t.Helper()
	var out []devices.Reading
	deadline := time.After(guestWait)
	for len(out) < n {
		select {
		case r, ok := <-mt.Readings():
			if !ok {
				t.Fatalf("%s: the meter ended after %d readings: %v", what, len(out), mt.Err())
			}
			out = append(out, r)
		case <-deadline:
			t.Fatalf("%s: %d of %d readings within %v", what, len(out), n, guestWait)
		}
	}
	return out
}

// toneIsHeard plays the chime into aloop's playback side and checks the
// meter on its capture side: silence first, then the chime at its level
// (-10 dBFS peak, as devices.PlayTone renders it).
func toneIsHeard(t *testing.T, m *devices.Manager, mt *devices.Meter, exact bool) {
	t.Helper()
	for _, r := range readLevels(t, mt, 5, "before the tone") {
		assert.Less(t, r.PeakDBFS, -60.0, "nothing plays yet: silence")
	}
	ctx, cancel := context.WithTimeout(context.Background(), guestWait)
	defer cancel()
	played := make(chan error, 1)
	go func() { played <- m.PlayTone(ctx, loopPlayID) }()
	peak := devices.SilenceDBFS
	deadline := time.After(guestWait)
	for done := false; !done || peak < -30; {
		select {
		case err := <-played:
			require.NoError(t, err, "PlayTone on %s", loopPlayID)
			done = true
			played = nil
		case r, ok := <-mt.Readings():
			if !ok {
				t.Fatalf("the meter ended while the tone played: %v", mt.Err())
			}
			peak = math.Max(peak, r.PeakDBFS)
		case <-deadline:
			t.Fatalf("tone: played=%v, loudest reading %.1f dBFS after %v", done, peak, guestWait)
		}
	}
	t.Logf("loudest reading while the chime played: %.2f dBFS peak", peak)
	if exact {
		assert.InDelta(t, -10.0, peak, 1.5, "the chime's peak, read back through the loop")
	}
}

// loopMeter loads snd-aloop and meters the loop's capture side.
func loopMeter(t *testing.T) (*devices.Manager, *devices.Meter) {
	t.Helper()
	guesttest.Require(t)
	guesttest.Modprobe(t, "snd-aloop")
	m := guestManager(t)
	mt, err := m.OpenMeter(context.Background(), loopRecID)
	require.NoError(t, err)
	t.Cleanup(func() { mt.Close() })
	return m, mt
}

func TestGuestToneThroughLoopback(t *testing.T) {
	m, mt := loopMeter(t)
	toneIsHeard(t, m, mt, true)
	require.NoError(t, mt.Close())
	assert.NoError(t, mt.Err())
}

// A meter keeps working through rescans: the 30 s safety rescan and every
// uevent run one (issue #13 point 11: each Refresh used to close the ALSA
// fallback backend and its meters).
func TestGuestMeterSurvivesRescans(t *testing.T) {
	m, mt := loopMeter(t)
	readLevels(t, mt, 3, "before the rescans")
	for i := range 10 {
		ctx, cancel := context.WithTimeout(context.Background(), guestWait)
		err := m.Refresh(ctx)
		cancel()
		if err != nil {
			require.ErrorIs(t, err, devices.ErrSoundServerUnavailable, "rescan %d", i+1)
		}
	}
	readLevels(t, mt, 3, "after ten rescans")
	// Heard (louder than -30 dBFS) is what matters here; the exact level is
	// TestGuestToneThroughLoopback's (under emulation a capture overrun
	// can drop the chime's first, loudest window).
	toneIsHeard(t, m, mt, false)
}

// A card that goes away under a meter ends it with DEVICE_VANISHED. An
// open PCM holds its module (rmmod says it is in use), so the card is
// taken away as a hot-unplug does it: by unbinding the driver from the
// device, which disconnects the card under the open stream.
func TestGuestMeterCardUnplugged(t *testing.T) {
	guesttest.Require(t)
	guesttest.Modprobe(t, "snd-dummy")
	m := guestManager(t)
	mt, err := m.OpenMeter(context.Background(), dummyID)
	require.NoError(t, err)
	defer mt.Close()
	readLevels(t, mt, 3, "before the unplug")

	if out, err := exec.Command("rmmod", "snd-dummy").CombinedOutput(); err == nil {
		t.Log("rmmod snd-dummy worked under the meter's open PCM")
	} else {
		t.Logf("rmmod snd-dummy under the meter: %v: %s; unbinding instead", err, bytes.TrimSpace(out))
		require.NoError(t, os.WriteFile("/sys/bus/platform/drivers/snd_dummy/unbind", []byte("snd_dummy.0"), 0))
	}

	deadline := time.After(guestWait)
	for open := true; open; {
		select {
		case _, open = <-mt.Readings():
		case <-deadline:
			t.Fatalf("the meter did not end within %v after its card was unplugged", guestWait)
		}
	}
	t.Logf("meter ended: %v", mt.Err())
	assert.ErrorIs(t, mt.Err(), devices.ErrDeviceVanished)
	var e *devices.Error
	if assert.True(t, errors.As(mt.Err(), &e)) {
		assert.Equal(t, devices.CodeDeviceVanished, e.Code)
	}
	assert.NoError(t, mt.Close())
	assert.NotContains(t, deviceKeys(m.AudioInputDevices()), "audioinput "+dummyID)
}
