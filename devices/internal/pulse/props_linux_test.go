package pulse

import (
	"context"
	"testing"
	"time"

	"github.com/jfreymuth/pulse/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// On the real servers: a volume applet's level meter (a peak-detecting
// stream) on a microphone is not a recorder, an ordinary stream is.
// PulseAudio and PipeWire mark the meter differently (isLevelMeter).
func TestLevelMeterIsNoRecorder(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("call_mic")
	p := NewProps()
	defer p.Close()
	ctx := context.Background()
	recorders := func() int {
		d, err := p.Devices(ctx)
		require.NoError(t, err)
		return d.Sources["call_mic"].Recorders
	}
	open := func(app string, peaks bool) {
		c, conn, err := Dial(nil)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		require.NoError(t, c.Request(&proto.SetClientName{Props: proto.PropList{"application.name": proto.PropListString(app)}},
			&proto.SetClientNameReply{}))
		req := &proto.CreateRecordStream{
			SampleSpec: proto.SampleSpec{Format: proto.FormatFloat32LE, Channels: 1, Rate: 25},
			ChannelMap: proto.ChannelMap{proto.ChannelMono}, SourceIndex: proto.Undefined, SourceName: "call_mic",
			BufferMaxLength: proto.Undefined, BufferFragSize: 4, DirectOnInputIndex: proto.Undefined,
			PeakDetect: peaks, AdjustLatency: true, Properties: proto.PropList{"media.name": proto.PropListString("peak meter")},
			ChannelVolumes: proto.ChannelVolumes{uint32(proto.VolumeNorm)},
		}
		require.NoError(t, c.Request(req, &proto.CreateRecordStreamReply{}))
	}
	require.Equal(t, 0, recorders())

	open("pavucontrol", true)
	pulsetest.WaitFor(t, 10*time.Second, "the meter on the server", func() bool {
		return s.Pactl("list", "short", "source-outputs") != ""
	})
	t.Logf("the meter as the server lists it:\n%s", s.Pactl("list", "source-outputs"))
	assert.Equal(t, 0, recorders(), "a level meter is not a call")

	open("Some Call App", false)
	pulsetest.WaitFor(t, 10*time.Second, "the ordinary stream counted", func() bool { return recorders() == 1 })
}
