package pulse

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// AudioConfig is one record (Input) or playback stream of float32
// samples.
type AudioConfig struct {
	Input bool
	// Device is the source's or sink's name; "" is the server's default,
	// and the stream then follows the default when it changes. A named
	// stream asks not to be moved (as miniaudio's did).
	Device string
	// Rate and Channels are the stream's; the server converts from the
	// device's. Channels is 1 (mono) or 2 (front left, front right).
	Rate     uint32
	Channels int
	// Period is how much sound each Data call carries, roughly: the
	// record fragment and the playback request size. Playback keeps two
	// periods buffered (80 ms at 40 ms). More would ride out a busier
	// machine, but a stream that starts plays its first target length
	// into what the sink has already rendered (the server rewinds the
	// sink), and a recording of that sink's monitor that already has the
	// first rendering then loses the new stream's start: measured on the
	// chime through a null sink's monitor, 35 ms lost at 200 ms, 15 ms
	// at 120 ms, none at 80 ms, on PulseAudio and PipeWire alike.
	Period time.Duration
	// Name is the stream's media.name, as volume controls show it.
	Name string
	// Data gets the samples recorded (in) or fills out with the samples to
	// play, as interleaved float32 in the machine's byte order (F32 views
	// them). Calls never overlap.
	Data func(out, in []byte, frames uint32)
	// Stop is called once when the stream ends: by Close, by the server
	// killing it (its device went away) or by the connection breaking.
	Stop func()
}

// AudioStream is one stream on a protocol connection of its own, so that
// the server going away, the stream being killed and Close each end
// exactly this stream.
//
// It replaces miniaudio's PulseAudio streams: miniaudio 0.11.23 reads an
// uninitialised source or sink description inside ma_device_init when the
// server answers its lookup of the device with an error (the device went
// in between), and crashes (mackron/miniaudio#1103). Here the server's
// refusal is an error like any other.
type AudioStream struct {
	cfg    AudioConfig
	client *proto.Client
	conn   *watchedConn
	frame  int // bytes per frame

	mu       sync.Mutex // serialises Data calls and guards what follows
	index    uint32
	buf      []byte // Data's buffer: Go-allocated, so float32-aligned
	partial  []byte // a record packet's trailing part frame
	owed     int    // playback bytes asked for, less than a frame
	stopOnce sync.Once
}

// OpenAudio creates and starts a stream. A device the server does not
// have gives an error matching ErrNoSuchEntity.
func OpenAudio(cfg AudioConfig) (*AudioStream, error) {
	if cfg.Channels != 1 && cfg.Channels != 2 {
		return nil, fmt.Errorf("pulseaudio: %d channels: only 1 or 2", cfg.Channels)
	}
	if cfg.Rate == 0 || cfg.Period <= 0 || cfg.Data == nil {
		return nil, errors.New("pulseaudio: a stream needs a rate, a period and a Data callback")
	}
	s := &AudioStream{cfg: cfg, frame: 4 * cfg.Channels}
	client, conn, err := dial(s.handle, func(c net.Conn) net.Conn {
		s.conn = &watchedConn{Conn: c, done: make(chan struct{})}
		return s.conn
	})
	if err != nil {
		return nil, err
	}
	s.client = client
	if err := s.create(); err != nil {
		conn.Close()
		<-s.conn.done
		if errors.Is(err, proto.ErrNoSuchEntity) {
			return nil, fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
		}
		return nil, err
	}
	return s, nil
}

// create asks for the stream, corked, so no data or request can arrive
// before its index is known; a playback stream is given the sound the
// server asks for at once; then it is uncorked.
func (s *AudioStream) create() error {
	spec := proto.SampleSpec{Format: proto.FormatFloat32LE, Channels: byte(s.cfg.Channels), Rate: s.cfg.Rate}
	cmap := proto.ChannelMap{proto.ChannelMono}
	if s.cfg.Channels == 2 {
		cmap = proto.ChannelMap{proto.ChannelFrontLeft, proto.ChannelFrontRight}
	}
	vols := make(proto.ChannelVolumes, s.cfg.Channels)
	for i := range vols {
		vols[i] = uint32(proto.VolumeNorm)
	}
	period := uint32(s.cfg.Period.Seconds()*float64(s.cfg.Rate)) * uint32(s.frame)
	props := proto.PropList{"media.name": proto.PropListString(s.cfg.Name)}
	if s.cfg.Input {
		var reply proto.CreateRecordStreamReply
		err := s.client.Request(&proto.CreateRecordStream{
			SampleSpec: spec, ChannelMap: cmap, SourceIndex: proto.Undefined, SourceName: s.cfg.Device,
			BufferMaxLength: proto.Undefined, Corked: true, BufferFragSize: period,
			NoMove: s.cfg.Device != "", AdjustLatency: true, Properties: props,
			DirectOnInputIndex: proto.Undefined, ChannelVolumes: vols,
		}, &reply)
		if err != nil {
			return err
		}
		s.setIndex(reply.StreamIndex)
		return s.client.Request(&proto.CorkRecordStream{StreamIndex: reply.StreamIndex, Corked: false}, nil)
	}
	var reply proto.CreatePlaybackStreamReply
	err := s.client.Request(&proto.CreatePlaybackStream{
		SampleSpec: spec, ChannelMap: cmap, SinkIndex: proto.Undefined, SinkName: s.cfg.Device,
		BufferMaxLength: proto.Undefined, Corked: true, BufferTargetLength: 2 * period,
		BufferPrebufferLength: proto.Undefined, BufferMinimumRequest: period,
		SyncID: 0, ChannelVolumes: vols, NoMove: s.cfg.Device != "", AdjustLatency: true, Properties: props,
	}, &reply)
	if err != nil {
		return err
	}
	s.setIndex(reply.StreamIndex)
	if err := s.fill(int(reply.Missing)); err != nil {
		return err
	}
	return s.client.Request(&proto.CorkPlaybackStream{StreamIndex: reply.StreamIndex, Corked: false}, nil)
}

// handle runs on the connection's read loop: one stream per connection,
// so every message is this stream's.
func (s *AudioStream) handle(msg any) {
	switch m := msg.(type) {
	case *proto.DataPacket:
		s.record(m.Data)
	case *proto.Request:
		if err := s.fill(int(m.Length)); err != nil {
			s.stop()
		}
	case *proto.RecordStreamKilled, *proto.PlaybackStreamKilled, *proto.ConnectionClosed:
		s.stop()
	}
}

// record hands whole frames of a data packet to Data, keeping a part
// frame for the next packet.
func (s *AudioStream) record(data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(append(s.buf[:0], s.partial...), data...)
	whole := len(s.buf) / s.frame * s.frame
	s.partial = append(s.partial[:0], s.buf[whole:]...)
	if whole > 0 {
		s.cfg.Data(nil, s.buf[:whole], uint32(whole/s.frame))
	}
}

// fill has Data make the n bytes the server asked for, in whole frames,
// and sends them; a part frame asked for is owed until the next request
// completes it (the server counts what it is owed, as libpulse does).
func (s *AudioStream) fill(n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owed += n
	n = s.owed / s.frame * s.frame
	s.owed -= n
	if n <= 0 {
		return nil
	}
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	out := s.buf[:n]
	clear(out)
	s.cfg.Data(out, nil, uint32(n/s.frame))
	return s.client.Send(s.index, out)
}

func (s *AudioStream) setIndex(i uint32) {
	s.mu.Lock()
	s.index = i
	s.mu.Unlock()
}

func (s *AudioStream) stop() {
	s.stopOnce.Do(func() {
		if s.cfg.Stop != nil {
			s.cfg.Stop()
		}
	})
}

// Close ends the stream: the connection is closed (the server drops its
// streams with it), and Close returns once the read loop has stopped, so
// no Data call runs after it. Stop is called. Safe to call twice; not
// from Data.
func (s *AudioStream) Close() {
	s.conn.Close()
	<-s.conn.done
	s.stop()
}

// watchedConn says when its reader has seen the connection end: the
// protocol client's read loop makes no callback after that.
type watchedConn struct {
	net.Conn
	once sync.Once
	done chan struct{}
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.once.Do(func() { close(c.done) })
	}
	return n, err
}
