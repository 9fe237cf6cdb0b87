package pulse

import (
	"testing"

	"github.com/jfreymuth/pulse/proto"
	"github.com/stretchr/testify/assert"
)

// Who counts as recording from a card: not MediaDesk (by name, from any
// process), not a level meter (as PulseAudio and PipeWire mark one), not a
// stream on the card's monitor; a paused stream and a stream with no name
// at all (a module's) do.
func TestCountRecorders(t *testing.T) {
	sources := proto.GetSourceInfoListReply{
		{SourceIndex: 1, SourceName: "bluez_input.AA", CardIndex: 1, MonitorSourceIndex: proto.Undefined},
		{SourceIndex: 2, SourceName: "bluez_output.AA.monitor", CardIndex: 1, MonitorSourceIndex: 7},
		{SourceIndex: 3, SourceName: "alsa_input.usb", CardIndex: 2, MonitorSourceIndex: proto.Undefined},
		{SourceIndex: 4, SourceName: "virtual_mic", CardIndex: proto.Undefined, MonitorSourceIndex: proto.Undefined},
	}
	named := func(app string) proto.PropList {
		return proto.PropList{"application.name": proto.PropListString(app)}
	}
	devices := func() Devices {
		return Devices{
			Sources: map[string]Device{
				"bluez_input.AA":          {Card: "bluez_card.AA"},
				"bluez_output.AA.monitor": {Card: "bluez_card.AA", Monitor: true},
				"alsa_input.usb":          {Card: "alsa_card.usb"},
				"virtual_mic":             {},
			},
			Cards: []Card{{Name: "bluez_card.AA"}, {Name: "alsa_card.usb"}},
		}
	}
	recording := func(d Devices) map[string]bool {
		out := map[string]bool{}
		for _, c := range d.Cards {
			out[c.Name] = c.Recording
		}
		return out
	}
	for _, tc := range []struct {
		name string
		r    proto.GetSourceOutputInfoListReply
		want map[string]bool
	}{
		{"nobody", nil, map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
		{"a call app", proto.GetSourceOutputInfoListReply{{SourceIndex: 1, Properties: named("Firefox")}},
			map[string]bool{"bluez_card.AA": true, "alsa_card.usb": false}},
		{"MediaDesk, any process", proto.GetSourceOutputInfoListReply{{SourceIndex: 1, Properties: named(AppName)}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
		{"paused (muted in a call, say)", proto.GetSourceOutputInfoListReply{{SourceIndex: 1, Properties: named("Firefox"), Corked: true}},
			map[string]bool{"bluez_card.AA": true, "alsa_card.usb": false}},
		{"a level meter on PulseAudio", proto.GetSourceOutputInfoListReply{{SourceIndex: 1, Properties: named("pavucontrol"), ResampleMethod: "peaks"}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
		{"a level meter on PipeWire", proto.GetSourceOutputInfoListReply{{SourceIndex: 1, ResampleMethod: "PipeWire",
			Properties: proto.PropList{"application.name": proto.PropListString("pavucontrol"), "stream.monitor": proto.PropListString("true")}}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
		{"the monitor of its speakers", proto.GetSourceOutputInfoListReply{{SourceIndex: 2, Properties: named("OBS")}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
		{"a module's stream, no name", proto.GetSourceOutputInfoListReply{{SourceIndex: 3}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": true}},
		{"a source with no card, an unknown index", proto.GetSourceOutputInfoListReply{{SourceIndex: 4}, {SourceIndex: 99}},
			map[string]bool{"bluez_card.AA": false, "alsa_card.usb": false}},
	} {
		d := devices()
		countRecorders(d, sources, tc.r, false)
		assert.Equal(t, tc.want, recording(d), tc.name)
	}
	d := devices()
	countRecorders(d, sources, nil, true)
	assert.Equal(t, map[string]bool{"bluez_card.AA": true, "alsa_card.usb": true}, recording(d), "not known: no card is said to be free")
	d = devices()
	countRecorders(d, sources, proto.GetSourceOutputInfoListReply{{SourceIndex: 1}, {SourceIndex: 1, Properties: named("x")}}, false)
	assert.Equal(t, 2, d.Sources["bluez_input.AA"].Recorders)
}
