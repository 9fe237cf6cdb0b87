package v4l2

import (
	"image"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// The probe's ioctl numbers as linux/videodev2.h gives them: their
// structs hold no pointer or long, so they are the same on every arch.
func TestIoctlNumbersProbe(t *testing.T) {
	for name, c := range map[string][2]uint{
		"QUERYCAP": {vidiocQueryCap, 0x80685600}, "ENUM_FMT": {vidiocEnumFmt, 0xc0405602},
		"ENUM_FRAMESIZES": {vidiocEnumFrameSizes, 0xc02c564a},
	} {
		assert.Equal(t, c[1], c[0], name)
	}
}

// The ioctl numbers as linux/videodev2.h gives them on x86-64.
func TestIoctlNumbersAMD64(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the table is x86-64's")
	}
	assert.Equal(t, 208, int(unsafe.Sizeof(v4l2Format{})))
	assert.Equal(t, 88, int(unsafe.Sizeof(v4l2Buffer{})))
	for name, c := range map[string][2]uint{
		"G_FMT": {vidiocGFmt, 0xc0d05604}, "S_FMT": {vidiocSFmt, 0xc0d05605},
		"REQBUFS": {vidiocReqBufs, 0xc0145608}, "QUERYBUF": {vidiocQueryBuf, 0xc0585609},
		"QBUF": {vidiocQBuf, 0xc058560f}, "DQBUF": {vidiocDQBuf, 0xc0585611},
		"STREAMON": {vidiocStreamOn, 0x40045612}, "STREAMOFF": {vidiocStreamOff, 0x40045613},
		"G_PARM": {vidiocGParm, 0xc0cc5615}, "S_PARM": {vidiocSParm, 0xc0cc5616},
		"ENUM_FRAMEINTERVALS": {vidiocEnumFrameIntervals, 0xc034564b},
	} {
		assert.Equal(t, c[1], c[0], name)
	}
}

func streamingWebcam() *FakeNode {
	return &FakeNode{Card: "Webcam", Formats: []camera.Format{
		{FourCC: "YUYV", Sizes: []camera.FrameSize{{Width: 640, Height: 480}, {Width: 1280, Height: 720}}},
		{FourCC: "NV12", Sizes: []camera.FrameSize{{Width: 320, Height: 240}}},
		{FourCC: "MJPG", Sizes: []camera.FrameSize{{Width: 1280, Height: 720}}},
	}}
}

// next waits (bounded) for one good frame.
func next(t *testing.T, s *Stream, use func([]byte)) (lost int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ok, l, err := s.Next(100*time.Millisecond, use)
		require.NoError(t, err)
		lost += l
		if ok {
			return lost
		}
	}
	t.Fatal("no frame within 5s")
	return 0
}

func TestStreamColourBars(t *testing.T) {
	for _, c := range []struct {
		want camera.Want
		mode camera.Mode
	}{
		{camera.Want{}, camera.Mode{FourCC: "YUYV", Width: 640, Height: 480, FPS: 30, Stride: 1280}},
		{camera.Want{Width: 320, Height: 240, FPS: 15}, camera.Mode{FourCC: "NV12", Width: 320, Height: 240, FPS: 15, Stride: 320}},
	} {
		fake := NewFakeIO(map[string]*FakeNode{"/dev/video0": streamingWebcam()})
		s, err := Open(fake, "/dev/video0", c.want, camera.Supported)
		require.NoError(t, err)
		assert.Equal(t, c.mode, s.Mode())
		m := s.Mode()
		dst := image.NewRGBA(image.Rect(0, 0, m.Width, m.Height))
		next(t, s, func(b []byte) { require.NoError(t, camera.Convert(dst, m.FourCC, b, m.Stride)) })
		// The fake shifts the bars a pixel a frame: look mid-bar.
		x := m.Width/16*3 + 4 // the middle of bar 1, yellow
		assert.InDelta(t, 255, int(dst.RGBAAt(x, 10).R), 3)
		assert.InDelta(t, 255, int(dst.RGBAAt(x, 10).G), 3)
		assert.InDelta(t, 0, int(dst.RGBAAt(x, 10).B), 3)
		require.NoError(t, s.Close())
		require.NoError(t, s.Close(), "a second Close is a no-op")
		fds, maps := fake.Leaks()
		assert.Zero(t, fds)
		assert.Zero(t, maps)
	}
}

func TestStreamPrefersMJPEGFor720p(t *testing.T) {
	fake := NewFakeIO(map[string]*FakeNode{"/dev/video0": streamingWebcam()})
	webcamFrame := []byte{0xff, 0xd8, 0xff, 0xd9}
	fake.nodes["/dev/video0"].Frame = func(seq uint32, m camera.Mode, buf []byte) int { return copy(buf, webcamFrame) }
	s, err := Open(fake, "/dev/video0", camera.Want{Width: 1280, Height: 720}, camera.Supported)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, "MJPG", s.Mode().FourCC)
	var got []byte
	next(t, s, func(b []byte) { got = append(got, b...) })
	assert.Equal(t, webcamFrame, got, "the frame's bytesused, not the buffer's length")
}

func TestStreamBusyDeniedVanished(t *testing.T) {
	cam := streamingWebcam()
	fake := NewFakeIO(map[string]*FakeNode{"/dev/video0": cam, "/dev/video2": {OpenErr: unix.EACCES}})

	first, err := Open(fake, "/dev/video0", camera.Want{}, camera.Supported)
	require.NoError(t, err)
	_, err = Open(fake, "/dev/video0", camera.Want{}, camera.Supported)
	assert.ErrorIs(t, err, unix.EBUSY, "a second capture of one camera")
	_, err = Open(fake, "/dev/video2", camera.Want{}, camera.Supported)
	assert.ErrorIs(t, err, unix.EACCES)
	_, err = Open(fake, "/dev/video9", camera.Want{}, camera.Supported)
	assert.ErrorIs(t, err, unix.ENOENT)

	next(t, first, func([]byte) {})
	fake.Unplug("/dev/video0")
	_, _, err = first.Next(time.Second, func([]byte) {})
	assert.ErrorIs(t, err, unix.ENODEV)
	require.NoError(t, first.Close())
	fds, maps := fake.Leaks()
	assert.Zero(t, fds, "every descriptor closed, the failed opens' too")
	assert.Zero(t, maps)
}

func TestStreamCountsLostFrames(t *testing.T) {
	cam := streamingWebcam()
	cam.SkipEvery, cam.ErrorEvery = 4, 7
	fake := NewFakeIO(map[string]*FakeNode{"/dev/video0": cam})
	s, err := Open(fake, "/dev/video0", camera.Want{}, camera.Supported)
	require.NoError(t, err)
	defer s.Close()
	lost, got := 0, 0
	for got < 20 {
		lost += next(t, s, func([]byte) {})
		got++
	}
	assert.Greater(t, lost, 3, "sequence gaps and damaged frames are counted")
}

func TestStreamNoConvertibleFormat(t *testing.T) {
	fake := NewFakeIO(map[string]*FakeNode{"/dev/video0": {Formats: []camera.Format{{FourCC: "H264", Sizes: []camera.FrameSize{{Width: 640, Height: 480}}}}}})
	_, err := Open(fake, "/dev/video0", camera.Want{}, camera.Supported)
	assert.ErrorIs(t, err, ErrNoFormat)
	fds, _ := fake.Leaks()
	assert.Zero(t, fds)
}
