// Package pulse speaks the PulseAudio native protocol (which PipeWire's
// pipewire-pulse serves too) through jfreymuth/pulse: dialing the server,
// reading sink, source and card properties miniaudio does not give, and
// subscribing to the server's change events.
package pulse

import (
	"context"
	"errors"
	"net"
	"sync"

	"github.com/jfreymuth/pulse/proto"

	"github.com/mediadesk/mediadesk/devices/internal/sysfs"
)

// Props reads what miniaudio does not tell: whether a source is a
// monitor, and which card or bus a device sits on (to build groupIds). It
// keeps one protocol connection and reconnects after an error.
type Props struct {
	mu     sync.Mutex
	client *proto.Client
	conn   net.Conn
	// pinned: the streams the server refused to move (streams.go).
	pinned pinnedMemory
}

// Device is what the server says about one sink or source.
type Device struct {
	// Monitor is set for a source that monitors a sink (loopback, not a
	// microphone).
	Monitor bool
	// GroupKey names the card or bus the device sits on; "" when unknown.
	GroupKey string
	// Muted and Volume are the device's own (not a stream's): Volume is
	// the loudest channel, 1 at 0 dB (PA_VOLUME_NORM), above 1 when the
	// server amplifies.
	Muted  bool
	Volume float64
	// Card is the name of the card it belongs to; "" for virtual devices.
	Card string
	// Label is the server's description of it ("" when it has none).
	Label string
	// Recorders counts the streams recording from a source that are not
	// MediaDesk's (see countRecorders): a call app's.
	Recorders int
}

// Devices are the sinks and sources by name, and the cards.
type Devices struct {
	Sinks, Sources map[string]Device
	// SinkNames and SourceNames are the names in the server's order;
	// DefaultSink and DefaultSource the server's defaults.
	SinkNames, SourceNames     []string
	DefaultSink, DefaultSource string
	Cards                      []Card
}

// Lookup finds a source (input) or sink by name.
func (p Devices) Lookup(input bool, name string) (Device, bool) {
	m := p.Sinks
	if input {
		m = p.Sources
	}
	d, ok := m[name]
	return d, ok
}

// NewProps returns a reader that dials on first use.
func NewProps() *Props { return &Props{} }

// Devices reads every sink and source. On a failed connection it is
// dropped and the next call dials again.
func (p *Props) Devices(ctx context.Context) (Devices, error) {
	var out Devices
	err := p.use(ctx, func(c *proto.Client) error {
		var err error
		out, err = readDevices(ctx, c)
		return err
	})
	return out, err
}

// use runs f with the connection, dialling first when there is none. An
// error other than the server's answer to a request (a proto.Error, such
// as no such entity) drops the connection: the next use dials again.
func (p *Props) use(ctx context.Context, f func(c *proto.Client) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.client == nil {
		c, conn, err := Dial(nil)
		if err != nil {
			return err
		}
		p.client, p.conn = c, conn
	}
	err := f(p.client)
	var perr proto.Error
	if err != nil && !errors.As(err, &perr) {
		p.conn.Close()
		p.client, p.conn = nil, nil
	}
	return err
}

func readDevices(ctx context.Context, c *proto.Client) (Devices, error) {
	var sinks proto.GetSinkInfoListReply
	var sources proto.GetSourceInfoListReply
	var cards proto.GetCardInfoListReply
	var server proto.GetServerInfoReply
	var recorders proto.GetSourceOutputInfoListReply
	var recordersRefused error
	// The five questions go out together (the client matches the answers
	// by tag): one round trip to the server, not five. The last, who
	// records, only feeds a hint: the server refusing it fails no listing.
	if err := all(c, []request{
		{req: &proto.GetSinkInfoList{}, rpl: &sinks},
		{req: &proto.GetSourceInfoList{}, rpl: &sources},
		{req: &proto.GetCardInfoList{}, rpl: &cards},
		{req: &proto.GetServerInfo{}, rpl: &server},
		{req: &proto.GetSourceOutputInfoList{}, rpl: &recorders, optional: &recordersRefused},
	}); err != nil {
		return Devices{}, err
	}
	if err := ctx.Err(); err != nil {
		return Devices{}, err
	}
	cardNames := map[uint32]string{}
	for _, c := range cards {
		cardNames[c.CardIndex] = c.CardName
	}
	out := Devices{Sinks: map[string]Device{}, Sources: map[string]Device{}, Cards: cardsFrom(cards),
		DefaultSink: server.DefaultSinkName, DefaultSource: server.DefaultSourceName}
	sinkByIndex := map[uint32]string{}
	for _, s := range sinks {
		out.Sinks[s.SinkName] = Device{GroupKey: groupKey(s.Properties, s.CardIndex, cardNames),
			Muted: s.Mute, Volume: volume(s.ChannelVolumes), Card: cardNames[s.CardIndex], Label: s.Device}
		out.SinkNames = append(out.SinkNames, s.SinkName)
		sinkByIndex[s.SinkIndex] = s.SinkName
	}
	for _, s := range sources {
		out.SourceNames = append(out.SourceNames, s.SourceName)
		d := Device{GroupKey: groupKey(s.Properties, s.CardIndex, cardNames),
			Muted: s.Mute, Volume: volume(s.ChannelVolumes), Card: cardNames[s.CardIndex], Label: s.Device}
		// For a source, MonitorSourceIndex holds the sink it monitors. It
		// is a monitor even when that sink is not in the sink list: one
		// added or removed between the server's two answers.
		d.Monitor = s.MonitorSourceIndex != proto.Undefined
		if sink, ok := sinkByIndex[s.MonitorSourceIndex]; ok && d.Monitor {
			if d.GroupKey == "" {
				d.GroupKey = out.Sinks[sink].GroupKey
			}
			if d.GroupKey == "" {
				d.GroupKey = sysfs.OwnGroupKey(sink)
			}
		}
		out.Sources[s.SourceName] = d
	}
	countRecorders(out, sources, recorders, recordersRefused != nil)
	return out, nil
}

// AppName is the application name MediaDesk's own streams carry (the
// miniaudio context sets it): streams by that name, from any MediaDesk
// process, are not a call.
const AppName = "MediaDesk"

// countRecorders counts, on each source, the streams recording from it
// that are not MediaDesk's, and marks each card with such a stream on one
// of its microphones (not a monitor of its speakers) as Recording: that is
// what a call looks like to the sound server. Left out: streams named
// AppName and level meters (pavucontrol's and the desktop's volume applets
// open peak-detecting streams: PulseAudio says resample method "peaks",
// PipeWire sets stream.monitor). A paused (corked) stream counts, as an app
// may pause its microphone while muted in a call, and so does a module's
// (echo cancellation, a loopback may carry a call). unknown (the server did
// not say who records) marks every card Recording, so no hint claims there
// is no call.
func countRecorders(out Devices, sources proto.GetSourceInfoListReply, recorders proto.GetSourceOutputInfoListReply, unknown bool) {
	if unknown {
		for i := range out.Cards {
			out.Cards[i].Recording = true
		}
		return
	}
	byIndex := map[uint32]string{}
	for _, s := range sources {
		byIndex[s.SourceIndex] = s.SourceName
	}
	for _, r := range recorders {
		name, ok := byIndex[r.SourceIndex]
		if !ok || isLevelMeter(r) {
			continue
		}
		if app, ok := r.Properties["application.name"]; ok && app.String() == AppName {
			continue
		}
		d := out.Sources[name]
		d.Recorders++
		out.Sources[name] = d
		if d.Card == "" || d.Monitor {
			continue
		}
		for i := range out.Cards {
			if out.Cards[i].Name == d.Card {
				out.Cards[i].Recording = true
			}
		}
	}
}

// isLevelMeter reports a peak-detecting stream: a volume applet's meter.
func isLevelMeter(r *proto.GetSourceOutputInfoReply) bool {
	if r.ResampleMethod == "peaks" {
		return true // PulseAudio
	}
	v, ok := r.Properties["stream.monitor"] // PipeWire
	return ok && v.String() == "true"
}

// groupKey picks the strongest link the server gives: the sysfs path
// (shared with the V4L2 camera of the same USB device), then the udev bus
// path, then the card.
func groupKey(props proto.PropList, card uint32, cardNames map[uint32]string) string {
	if v, ok := props["sysfs.path"]; ok && v.String() != "" {
		return sysfs.GroupKey(v.String())
	}
	if v, ok := props["device.bus_path"]; ok && v.String() != "" {
		return sysfs.BusPathGroupKey(v.String())
	}
	if name, ok := cardNames[card]; ok && card != proto.Undefined {
		return "card:" + name
	}
	return ""
}

// Close drops the connection; the reader can be used again after.
func (p *Props) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.conn.Close()
		p.client, p.conn = nil, nil
	}
}
