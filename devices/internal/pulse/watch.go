package pulse

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// watch subscribes to the server's sink, source, card, server and
// recording-stream (source output) events on a connection of its own and
// marks the device lists dirty for those that can change them. When the server goes away it marks dirty once (the
// scan reports the loss) and reconnects with backoff; a successful
// reconnect marks dirty again, which brings the recovered list.
//
// A sink or source "change" is mostly a volume or mute change, which no
// list shows: dragging a volume slider sends dozens a second. Those are
// checked against what identifies a device in a list (name, description,
// monitor, card) on a goroutine of the watch's own, and only a real change
// marks dirty.
type watch struct {
	dirty func()
	state func()
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 5 * time.Second
)

// StartWatch starts watching the server PULSE_SERVER names (or the user's
// default). dirty is called when a device list may have changed, state
// when a device's mute or volume or a card's profile may have; both from
// the watch's goroutines, and they must not block. Close stops it; a
// second Close is a no-op.
func StartWatch(dirty, state func()) io.Closer {
	p := &watch{dirty: dirty, state: state, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

// listChange reports whether an event can change a device list by itself
// (dirty), needs a look first (check: sink and source "change" events),
// and whether it can change a device's or card's state.
func listChange(ev proto.SubscriptionEventType) (dirty, check, state bool) {
	switch ev.GetFacility() {
	case proto.EventSink, proto.EventSource:
		if ev.GetType() == proto.EventChange {
			return false, true, true
		}
		return true, false, false
	case proto.EventCard:
		return true, false, true // profiles, ports
	case proto.EventServer:
		return true, false, false // defaults
	case proto.EventSinkSourceOutput:
		// A program starting, moving or stopping a recording (a call):
		// whether a headset's card is in use is part of its state.
		return false, false, true
	}
	return false, false, false
}

func (p *watch) run() {
	defer close(p.done)
	backoff := backoffMin
	// Mark dirty whenever the connection state changes, including the
	// first subscribe: anything that changed between the Manager's first
	// scan and the subscription going live is caught by that scan.
	const unknown, up, down = 0, 1, 2
	state := unknown
	for {
		closed := make(chan struct{})
		var closeOnce sync.Once
		check := make(chan struct{}, 1)
		client, conn, err := Dial(func(msg any) {
			switch m := msg.(type) {
			case *proto.SubscribeEvent:
				d, c, st := listChange(m.Event)
				if d {
					p.dirty()
				}
				if st {
					p.state()
				}
				if c {
					select {
					case check <- struct{}{}:
					default:
					}
				}
			case *proto.ConnectionClosed:
				closeOnce.Do(func() { close(closed) })
			}
		})
		if err == nil {
			err = client.Request(&proto.Subscribe{Mask: proto.SubscriptionMaskSink | proto.SubscriptionMaskSource |
				proto.SubscriptionMaskServer | proto.SubscriptionMaskCard |
				proto.SubscriptionMaskSourceInput /* the library's name for source outputs (PA_SUBSCRIPTION_MASK_SOURCE_OUTPUT, 0x8) */}, nil)
			if err != nil {
				conn.Close()
			}
		}
		if err != nil && state != down {
			state = down
			p.dirty() // not there (any more): the scan reports it
		}
		if err == nil {
			state = up
			p.dirty() // subscribed (or back after a loss): rescan
			backoff = backoffMin
			checked := make(chan struct{})
			go p.checkChanges(client, check, closed, checked)
			select {
			case <-p.stop:
				conn.Close()
				<-checked
				return
			case <-closed:
				conn.Close()
				<-checked
				state = down
				p.dirty() // the server went away: the scan reports it
			}
		}
		select {
		case <-p.stop:
			return
		case <-time.After(backoff):
		}
		if backoff *= 2; backoff > backoffMax {
			backoff = backoffMax
		}
	}
}

// checkChanges compares what identifies each sink and source after a
// "change" event with what it was, and marks dirty only when that differs.
// A failed read marks dirty too: the scan finds out what is wrong.
func (p *watch) checkChanges(c *proto.Client, check, closed <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	last, err := identities(c)
	if err != nil {
		last = ""
	}
	for {
		select {
		case <-p.stop:
			return
		case <-closed:
			return
		case <-check:
		}
		cur, err := identities(c)
		if err != nil || cur != last {
			p.dirty()
		}
		last = cur
	}
}

// identities is every sink's and source's listed identity in one string.
func identities(c *proto.Client) (string, error) {
	var sinks proto.GetSinkInfoListReply
	var sources proto.GetSourceInfoListReply
	if err := c.Request(&proto.GetSinkInfoList{}, &sinks); err != nil {
		return "", err
	}
	if err := c.Request(&proto.GetSourceInfoList{}, &sources); err != nil {
		return "", err
	}
	var b []byte
	for _, s := range sinks {
		b = fmt.Appendf(b, "sink %q %q %d\n", s.SinkName, s.Device, s.CardIndex)
	}
	for _, s := range sources {
		b = fmt.Appendf(b, "source %q %q %d %d\n", s.SourceName, s.Device, s.CardIndex, s.MonitorSourceIndex)
	}
	return string(b), nil
}

func (p *watch) Close() error {
	p.once.Do(func() { close(p.stop) })
	<-p.done
	return nil
}
