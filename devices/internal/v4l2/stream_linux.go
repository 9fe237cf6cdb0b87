package v4l2

import (
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// bufferCount is how many buffers the driver fills in turn: enough that a
// slow conversion does not make the driver drop, few enough to keep the
// latency at a frame or two.
const bufferCount = 4

// Stream is one camera streaming by MMAP I/O: the driver fills buffers
// mapped into our memory; Next hands the newest one over and queues it
// again. One goroutine uses a Stream at a time.
type Stream struct {
	io   StreamIO
	fd   int
	node string
	mode camera.Mode
	bufs [][]byte
	on   bool
	// buf is the v4l2_buffer DQBUF and QBUF fill, kept here so passing it
	// through the IO interface does not allocate once per frame.
	buf     v4l2Buffer
	seq     uint32
	started bool
}

// Open opens node for capture in the mode closest to want among those the
// camera offers and supported can convert, sets the rate, maps the buffers
// and starts streaming. Errors wrap the errno (EBUSY when another program
// streams from the camera, EACCES without permission, ENODEV when it is
// gone), with the step that failed.
func Open(io StreamIO, node string, want camera.Want, supported func(fourcc string) bool) (s *Stream, err error) {
	fd, err := io.OpenStream(node)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", node, err)
	}
	s = &Stream{io: io, fd: fd, node: node}
	opening := s // the returns below set s to nil
	defer func() {
		if err != nil {
			opening.Close()
		}
	}()

	var capab v4l2Capability
	if err := io.Ioctl(fd, vidiocQueryCap, unsafe.Pointer(&capab)); err != nil {
		return nil, fmt.Errorf("%s: VIDIOC_QUERYCAP: %w", node, err)
	}
	if capab.nodeCaps()&v4l2CapVideoCapture == 0 {
		return nil, fmt.Errorf("%s: %w", node, ErrNotSinglePlanar)
	}
	formats := enumFormats(io, fd, v4l2BufTypeVideoCapture)
	want = want.Defaults()
	mode, ok := camera.Choose(formats, want, supported)
	if !ok {
		return nil, fmt.Errorf("%s: %w", node, ErrNoFormat)
	}

	f := v4l2Format{Type: v4l2BufTypeVideoCapture}
	p := f.pix()
	p.Width, p.Height, p.PixelFormat = uint32(mode.Width), uint32(mode.Height), fourCCValue(mode.FourCC)
	p.Field = 1 // V4L2_FIELD_NONE: progressive frames
	if err := io.Ioctl(fd, vidiocSFmt, unsafe.Pointer(&f)); err != nil {
		return nil, fmt.Errorf("%s: VIDIOC_S_FMT: %w", node, err)
	}
	// The driver may adjust what we asked for; what it says now is the mode.
	s.mode = camera.Mode{FourCC: FourCC(p.PixelFormat), Width: int(p.Width), Height: int(p.Height), Stride: int(p.BytesPerLine)}
	if !supported(s.mode.FourCC) || s.mode.Width <= 0 || s.mode.Height <= 0 {
		return nil, fmt.Errorf("%s: the driver chose %s %dx%d: %w", node, s.mode.FourCC, s.mode.Width, s.mode.Height, ErrNoFormat)
	}
	s.mode.FPS = s.setRate(p.PixelFormat, want.FPS)

	req := v4l2RequestBuffers{Count: bufferCount, Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
	if err := io.Ioctl(fd, vidiocReqBufs, unsafe.Pointer(&req)); err != nil {
		return nil, fmt.Errorf("%s: VIDIOC_REQBUFS: %w", node, err)
	}
	if req.Count < 2 {
		return nil, fmt.Errorf("%s: VIDIOC_REQBUFS gave %d buffers: %w", node, req.Count, unix.ENOMEM)
	}
	for i := uint32(0); i < req.Count; i++ {
		b := v4l2Buffer{Index: i, Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
		if err := io.Ioctl(fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return nil, fmt.Errorf("%s: VIDIOC_QUERYBUF: %w", node, err)
		}
		m, err := io.Mmap(fd, int64(b.offset()), int(b.Length))
		if err != nil {
			return nil, fmt.Errorf("%s: mmap: %w", node, err)
		}
		s.bufs = append(s.bufs, m)
		if err := io.Ioctl(fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return nil, fmt.Errorf("%s: VIDIOC_QBUF: %w", node, err)
		}
	}
	typ := int32(v4l2BufTypeVideoCapture)
	if err := io.Ioctl(fd, vidiocStreamOn, unsafe.Pointer(&typ)); err != nil {
		return nil, fmt.Errorf("%s: VIDIOC_STREAMON: %w", node, err)
	}
	s.on = true
	return s, nil
}

// ErrNoFormat: the camera offers no pixel format we can convert.
var ErrNoFormat = errors.New("the camera offers no pixel format MediaDesk can show")

// ErrNotSinglePlanar: a multi-planar capture node (rare in webcams).
var ErrNotSinglePlanar = errors.New("multi-planar capture is not supported")

// setRate asks for the offered rate closest to want and returns the rate
// the driver agreed to, 0 when it cannot set or say one (the measured
// rate is then all there is).
func (s *Stream) setRate(pixfmt uint32, want float64) float64 {
	var rates []float64
	for i := uint32(0); i < 64; i++ {
		e := v4l2FrmIvalEnum{Index: i, PixelFormat: pixfmt, Width: uint32(s.mode.Width), Height: uint32(s.mode.Height)}
		if s.io.Ioctl(s.fd, vidiocEnumFrameIntervals, unsafe.Pointer(&e)) != nil {
			break
		}
		if e.Type != v4l2FrmIvalTypeDiscrete {
			// Stepwise or continuous: from min to max interval.
			lo, hi := fps(e.Data[2], e.Data[3]), fps(e.Data[0], e.Data[1])
			rates = append(rates, math.Max(lo, math.Min(hi, want)))
			break
		}
		rates = append(rates, fps(e.Data[0], e.Data[1]))
	}
	rate := want
	if len(rates) > 0 {
		rate = camera.ClosestRate(rates, want)
	}
	parm := v4l2StreamParm{Type: v4l2BufTypeVideoCapture}
	if s.io.Ioctl(s.fd, vidiocGParm, unsafe.Pointer(&parm)) != nil {
		return 0
	}
	if parm.Capability&v4l2CapTimePerFrame != 0 && rate > 0 {
		parm.TimePerFrame = v4l2Fract{Numerator: 1000, Denominator: uint32(math.Round(rate * 1000))}
		if s.io.Ioctl(s.fd, vidiocSParm, unsafe.Pointer(&parm)) != nil {
			return 0
		}
	}
	return fps(parm.TimePerFrame.Numerator, parm.TimePerFrame.Denominator)
}

// fps turns a frame interval (seconds as num/den) into frames per second.
func fps(num, den uint32) float64 {
	if num == 0 {
		return 0
	}
	return math.Round(float64(den)/float64(num)*100) / 100
}

// Mode is what the driver streams.
func (s *Stream) Mode() camera.Mode { return s.mode }

// Next waits up to timeout for a frame and calls use with its bytes,
// which are valid only during the call (the buffer goes back to the
// driver after). ok is false when no frame came in time. lost counts the
// frames the driver dropped before this one (gaps in its sequence
// numbers) plus a frame it marked as damaged, which is not handed over.
func (s *Stream) Next(timeout time.Duration, use func(frame []byte)) (ok bool, lost int, err error) {
	ready, err := s.io.Poll(s.fd, timeout)
	if err != nil {
		return false, 0, fmt.Errorf("%s: poll: %w", s.node, err)
	}
	if !ready {
		return false, 0, nil
	}
	s.buf = v4l2Buffer{Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
	if err := s.io.Ioctl(s.fd, vidiocDQBuf, unsafe.Pointer(&s.buf)); err != nil {
		if errors.Is(err, unix.EAGAIN) {
			return false, 0, nil
		}
		return false, 0, fmt.Errorf("%s: VIDIOC_DQBUF: %w", s.node, err)
	}
	if s.started && s.buf.Sequence > s.seq+1 {
		lost = int(s.buf.Sequence - s.seq - 1)
	}
	s.seq, s.started = s.buf.Sequence, true
	idx := s.buf.Index
	if int(idx) >= len(s.bufs) {
		return false, lost, fmt.Errorf("%s: VIDIOC_DQBUF: buffer %d of %d: %w", s.node, idx, len(s.bufs), unix.EINVAL)
	}
	n := min(int(s.buf.BytesUsed), len(s.bufs[idx]))
	if s.buf.Flags&v4l2BufFlagError != 0 || n == 0 {
		lost++
	} else {
		use(s.bufs[idx][:n])
		ok = true
	}
	if err := s.io.Ioctl(s.fd, vidiocQBuf, unsafe.Pointer(&s.buf)); err != nil {
		return ok, lost, fmt.Errorf("%s: VIDIOC_QBUF: %w", s.node, err)
	}
	return ok, lost, nil
}

// Close stops streaming, unmaps the buffers and closes the node: the
// camera's light goes off when it returns. A second Close is a no-op.
func (s *Stream) Close() error {
	if s.fd < 0 {
		return nil
	}
	if s.on {
		typ := int32(v4l2BufTypeVideoCapture)
		_ = s.io.Ioctl(s.fd, vidiocStreamOff, unsafe.Pointer(&typ)) // fails harmlessly on a vanished device
		s.on = false
	}
	for _, b := range s.bufs {
		_ = s.io.Munmap(b)
	}
	s.bufs = nil
	err := s.io.Close(s.fd)
	s.fd = -1
	return err
}
