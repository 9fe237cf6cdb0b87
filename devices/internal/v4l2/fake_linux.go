package v4l2

import (
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// FakeIO is a StreamIO that answers the capture ioctls the way a V4L2
// driver with videobuf2 does (vivid, uvcvideo), for cameras that cannot
// exist on a test machine. The capture code above it is the real one. It
// lives outside _test.go files so the devices package's tests can stream
// through it too; nothing in MediaDesk uses it otherwise.
type FakeIO struct {
	mu    sync.Mutex
	nodes map[string]*FakeNode
	fds   map[int]*fakeHandle
	next  int
	maps  int
}

// FakeNode is one camera node.
type FakeNode struct {
	Card    string
	Formats []camera.Format
	// Rates are the frame rates offered at every size (default 30 and 15).
	Rates []float64
	// Interval is the time between frames (default 5 ms: fast, since tests
	// wait for frames, never for time).
	Interval time.Duration
	// Frame fills buf with frame seq and returns its length; the default
	// sends colour bars moving right a pixel per frame (raw formats only).
	Frame func(seq uint32, m camera.Mode, buf []byte) int

	// Controls are the node's controls (fakectrl_linux.go).
	Controls []*FakeControl

	// Failures to inject.
	OpenErr    error // returned by OpenStream (EACCES, ENOENT)
	ErrorEvery int   // every Nth frame is flagged V4L2_BUF_FLAG_ERROR
	SkipEvery  int   // every Nth frame is dropped by the "driver" (a sequence gap)

	gone      bool
	streaming *fakeHandle // the handle that owns the queue (vb2's owner)
}

type fakeHandle struct {
	node   *FakeNode
	mode   camera.Mode
	bufs   [][]byte
	queued []uint32
	on     bool
	seq    uint32
	last   time.Time
}

// NewFakeIO returns a FakeIO serving the given nodes by path.
func NewFakeIO(nodes map[string]*FakeNode) *FakeIO {
	return &FakeIO{nodes: nodes, fds: map[int]*fakeHandle{}}
}

// Unplug makes a node vanish as on a USB disconnect: its open handles
// get ENODEV from then on, and it cannot be opened again.
func (f *FakeIO) Unplug(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.nodes[path]; n != nil {
		n.gone = true
	}
}

// Open is the probe's read-only open.
func (f *FakeIO) Open(path string) (int, error) { return f.OpenStream(path) }

// OpenStream opens a node.
func (f *FakeIO) OpenStream(path string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nodes[path]
	switch {
	case n == nil || n.gone:
		return -1, unix.ENOENT
	case n.OpenErr != nil:
		return -1, n.OpenErr
	}
	f.next++
	f.fds[f.next] = &fakeHandle{node: n}
	return f.next, nil
}

// Leaks counts the open descriptors and mapped buffers: both are 0 once
// every capture is closed.
func (f *FakeIO) Leaks() (fds, maps int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.fds), f.maps
}

func (f *FakeIO) Close(fd int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.fds[fd]
	if h == nil {
		return unix.EBADF
	}
	if h.node.streaming == h {
		h.node.streaming = nil
	}
	delete(f.fds, fd)
	return nil
}

func (f *FakeIO) Mmap(fd int, offset int64, length int) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.fds[fd]
	if h == nil {
		return nil, unix.EBADF
	}
	i := int(offset) / 4096
	if i >= len(h.bufs) || length != len(h.bufs[i]) {
		return nil, unix.EINVAL
	}
	f.maps++
	return h.bufs[i], nil
}

func (f *FakeIO) Munmap(b []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.maps--
	return nil
}

// Poll waits until the next frame is due, or the timeout.
func (f *FakeIO) Poll(fd int, timeout time.Duration) (bool, error) {
	f.mu.Lock()
	h := f.fds[fd]
	if h == nil {
		f.mu.Unlock()
		return false, unix.EBADF
	}
	if h.node.gone || !h.on {
		f.mu.Unlock()
		return true, nil // POLLERR: DQBUF says why
	}
	wait := time.Until(h.last.Add(h.node.interval()))
	f.mu.Unlock()
	if wait > timeout {
		time.Sleep(timeout)
		return false, nil
	}
	if wait > 0 {
		time.Sleep(wait)
	}
	return true, nil
}

func (n *FakeNode) interval() time.Duration {
	if n.Interval > 0 {
		return n.Interval
	}
	return 5 * time.Millisecond
}

func (n *FakeNode) rates() []float64 {
	if len(n.Rates) > 0 {
		return n.Rates
	}
	return []float64{30, 15}
}

func (f *FakeIO) Ioctl(fd int, req uint, arg unsafe.Pointer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.fds[fd]
	if h == nil {
		return unix.EBADF
	}
	n := h.node
	if n.gone {
		return unix.ENODEV
	}
	if ok, err := n.controlIoctl(req, arg); ok {
		return err
	}
	switch req {
	case vidiocQueryCap:
		c := (*v4l2Capability)(arg)
		copy(c.Driver[:], "fake")
		copy(c.Card[:], n.Card)
		c.Capabilities = v4l2CapVideoCapture
		return nil
	case vidiocEnumFmt:
		d := (*v4l2FmtDesc)(arg)
		if d.Type != v4l2BufTypeVideoCapture || int(d.Index) >= len(n.Formats) {
			return unix.EINVAL
		}
		d.PixelFormat = fourCCValue(n.Formats[d.Index].FourCC)
		return nil
	case vidiocEnumFrameSizes:
		s := (*v4l2FrmSizeEnum)(arg)
		for _, ff := range n.Formats {
			if fourCCValue(ff.FourCC) == s.PixelFormat {
				if int(s.Index) >= len(ff.Sizes) {
					return unix.EINVAL
				}
				s.Type = v4l2FrmSizeTypeDiscrete
				s.Data[0], s.Data[1] = ff.Sizes[s.Index].Width, ff.Sizes[s.Index].Height
				return nil
			}
		}
		return unix.EINVAL
	case vidiocEnumFrameIntervals:
		e := (*v4l2FrmIvalEnum)(arg)
		if int(e.Index) >= len(n.rates()) {
			return unix.EINVAL
		}
		e.Type = v4l2FrmIvalTypeDiscrete
		e.Data[0], e.Data[1] = 1000, uint32(n.rates()[e.Index]*1000)
		return nil
	case vidiocSFmt:
		if n.streaming != nil && n.streaming != h {
			return unix.EBUSY // vb2: another handle owns the queue
		}
		p := (*v4l2Format)(arg).pix()
		fourcc := FourCC(p.PixelFormat)
		for _, ff := range n.Formats {
			if ff.FourCC != fourcc {
				continue
			}
			for _, sz := range ff.Sizes {
				if int(sz.Width) == int(p.Width) && int(sz.Height) == int(p.Height) {
					h.mode = camera.Mode{FourCC: fourcc, Width: int(p.Width), Height: int(p.Height), FPS: n.rates()[0]}
					if fourcc != "MJPG" && fourcc != "JPEG" {
						h.mode.Stride = int(p.Width) * 2
						if fourcc != "YUYV" && fourcc != "UYVY" {
							h.mode.Stride = int(p.Width)
						}
					}
					p.BytesPerLine = uint32(h.mode.Stride)
					p.SizeImage = uint32(h.frameBytes())
					n.streaming = h
					return nil
				}
			}
		}
		return unix.EINVAL
	case vidiocGParm, vidiocSParm:
		parm := (*v4l2StreamParm)(arg)
		parm.Capability = v4l2CapTimePerFrame
		if req == vidiocSParm && parm.TimePerFrame.Numerator > 0 {
			h.mode.FPS = fps(parm.TimePerFrame.Numerator, parm.TimePerFrame.Denominator)
		}
		parm.TimePerFrame = v4l2Fract{Numerator: 1000, Denominator: uint32(h.mode.FPS * 1000)}
		return nil
	case vidiocReqBufs:
		r := (*v4l2RequestBuffers)(arg)
		if n.streaming != h {
			return unix.EBUSY
		}
		h.bufs = nil
		for range r.Count {
			h.bufs = append(h.bufs, make([]byte, h.frameBytes()))
		}
		return nil
	case vidiocQueryBuf:
		b := (*v4l2Buffer)(arg)
		if int(b.Index) >= len(h.bufs) {
			return unix.EINVAL
		}
		b.M = uintptr(b.Index) * 4096
		b.Length = uint32(len(h.bufs[b.Index]))
		return nil
	case vidiocQBuf:
		b := (*v4l2Buffer)(arg)
		if int(b.Index) >= len(h.bufs) {
			return unix.EINVAL
		}
		h.queued = append(h.queued, b.Index)
		return nil
	case vidiocStreamOn:
		h.on, h.last = true, time.Now()
		return nil
	case vidiocStreamOff:
		h.on, h.queued = false, nil
		return nil
	case vidiocDQBuf:
		if !h.on {
			return unix.EINVAL
		}
		if len(h.queued) == 0 || time.Now().Before(h.last.Add(n.interval())) {
			return unix.EAGAIN
		}
		b := (*v4l2Buffer)(arg)
		idx := h.queued[0]
		h.queued = h.queued[1:]
		h.seq++
		if n.SkipEvery > 0 && h.seq%uint32(n.SkipEvery) == 0 {
			h.seq++
		}
		b.Index, b.Sequence, b.Flags = idx, h.seq, 0
		if n.ErrorEvery > 0 && h.seq%uint32(n.ErrorEvery) == 0 {
			b.Flags = v4l2BufFlagError
		}
		frame := n.Frame
		if frame == nil {
			frame = func(seq uint32, m camera.Mode, buf []byte) int {
				camera.FillBars(buf, m.FourCC, m.Width, m.Height, m.Stride, int(seq))
				return camera.FrameBytes(m.FourCC, m.Width, m.Height, m.Stride)
			}
		}
		b.BytesUsed = uint32(frame(h.seq, h.mode, h.bufs[idx]))
		h.last = time.Now()
		return nil
	}
	return unix.ENOTTY
}

func (h *fakeHandle) frameBytes() int {
	if n := camera.FrameBytes(h.mode.FourCC, h.mode.Width, h.mode.Height, h.mode.Stride); n > 0 {
		return n
	}
	return h.mode.Width * h.mode.Height * 2 // a JPEG frame's buffer, as uvcvideo sizes it
}
