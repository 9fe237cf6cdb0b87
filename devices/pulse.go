package devices

import (
	"context"
	"net"
	"sync"

	"github.com/jfreymuth/pulse/proto"
)

// pulseMeta reads what miniaudio does not tell: whether a source is a
// monitor, and which card or bus a device sits on (to build groupIds). It
// keeps one protocol connection and reconnects after an error.
type pulseMeta struct {
	mu     sync.Mutex
	client *proto.Client
	conn   net.Conn
}

type pulseDevice struct {
	monitor  bool
	groupKey string
}

type pulseDevices struct {
	sinks, sources map[string]pulseDevice
}

func (p pulseDevices) lookup(k Kind, name string) (pulseDevice, bool) {
	m := p.sinks
	if k == AudioInput {
		m = p.sources
	}
	d, ok := m[name]
	return d, ok
}

func newPulseMeta() *pulseMeta { return &pulseMeta{} }

func (p *pulseMeta) devices(ctx context.Context) (pulseDevices, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		c, conn, err := dialPulse(nil)
		if err != nil {
			return pulseDevices{}, err
		}
		p.client, p.conn = c, conn
	}
	out, err := readPulseDevices(ctx, p.client)
	if err != nil {
		// Drop the connection; the next scan dials again.
		p.conn.Close()
		p.client, p.conn = nil, nil
	}
	return out, err
}

func readPulseDevices(ctx context.Context, c *proto.Client) (pulseDevices, error) {
	var sinks proto.GetSinkInfoListReply
	var sources proto.GetSourceInfoListReply
	var cards proto.GetCardInfoListReply
	if err := c.Request(&proto.GetSinkInfoList{}, &sinks); err != nil {
		return pulseDevices{}, err
	}
	if err := c.Request(&proto.GetSourceInfoList{}, &sources); err != nil {
		return pulseDevices{}, err
	}
	if err := c.Request(&proto.GetCardInfoList{}, &cards); err != nil {
		return pulseDevices{}, err
	}
	if err := ctx.Err(); err != nil {
		return pulseDevices{}, err
	}
	cardNames := map[uint32]string{}
	for _, c := range cards {
		cardNames[c.CardIndex] = c.CardName
	}
	out := pulseDevices{sinks: map[string]pulseDevice{}, sources: map[string]pulseDevice{}}
	sinkByIndex := map[uint32]string{}
	for _, s := range sinks {
		out.sinks[s.SinkName] = pulseDevice{groupKey: pulseGroupKey(s.Properties, s.CardIndex, cardNames)}
		sinkByIndex[s.SinkIndex] = s.SinkName
	}
	for _, s := range sources {
		d := pulseDevice{groupKey: pulseGroupKey(s.Properties, s.CardIndex, cardNames)}
		// For a source, MonitorSourceIndex holds the sink it monitors.
		if sink, ok := sinkByIndex[s.MonitorSourceIndex]; ok && s.MonitorSourceIndex != proto.Undefined {
			d.monitor = true
			if d.groupKey == "" {
				d.groupKey = out.sinks[sink].groupKey
			}
			if d.groupKey == "" {
				d.groupKey = "dev:" + sink
			}
		}
		out.sources[s.SourceName] = d
	}
	return out, nil
}

// pulseGroupKey picks the strongest link the server gives: the sysfs path
// (shared with the V4L2 camera of the same USB device), then the udev bus
// path, then the card.
func pulseGroupKey(props proto.PropList, card uint32, cardNames map[uint32]string) string {
	if v, ok := props["sysfs.path"]; ok && v.String() != "" {
		return sysfsGroupKey(v.String())
	}
	if v, ok := props["device.bus_path"]; ok && v.String() != "" {
		return busPathGroupKey(v.String())
	}
	if name, ok := cardNames[card]; ok && card != proto.Undefined {
		return "card:" + name
	}
	return ""
}

func (p *pulseMeta) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.conn.Close()
		p.client, p.conn = nil, nil
	}
}
