package pulse

import (
	"io"
	"sync"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// watch subscribes to the server's sink, source, card, server and
// recording-stream (source output) events on a connection of its own and
// marks the device lists dirty for those that can change them. When the
// server goes away it marks dirty once (the scan reports the loss) and
// reconnects with backoff; a successful reconnect marks dirty again, which
// brings the recovered list.
//
// A sink or source "change" is mostly a volume or mute change, which no
// list shows, but it is also how a new description or port arrives, so it
// marks the lists dirty as well as the state. That costs nothing extra:
// the listing is the same one-round-trip query as the state read (Props),
// and the two merge into one scan per coalescing window. Cameras are not
// probed for it (the Manager's dirty bits keep audio and video apart).
type watch struct {
	dirty   func()
	state   func()
	streams func()
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// maskSourceOutput is PA_SUBSCRIPTION_MASK_SOURCE_OUTPUT (0x8), which the
// library calls SubscriptionMaskSourceInput.
const maskSourceOutput = proto.SubscriptionMaskSourceInput

const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 5 * time.Second
)

// StartWatch starts watching the server PULSE_SERVER names (or the user's
// default). dirty is called when a device list may have changed, state
// when a device's mute or volume or a card's profile may have, streams
// when a program's stream came, went or changed (and on every (re)connect);
// all from the watch's goroutines, and they must not block. Close stops
// it; a second Close is a no-op.
func StartWatch(dirty, state, streams func()) io.Closer {
	p := &watch{dirty: dirty, state: state, streams: streams, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

// listChange reports whether an event can change a device list (dirty),
// a device's or card's state, and the programs' streams.
func listChange(ev proto.SubscriptionEventType) (dirty, state, streams bool) {
	switch ev.GetFacility() {
	case proto.EventSink, proto.EventSource:
		// "change": mute, volume, description, ports.
		return true, ev.GetType() == proto.EventChange, false
	case proto.EventCard:
		return true, true, false // profiles, ports
	case proto.EventServer:
		return true, false, false // defaults
	case proto.EventSinkSourceOutput:
		// A program starting, moving or stopping a recording (a call):
		// whether a headset's card is in use is part of its state.
		return false, true, true
	case proto.EventSinkSinkInput:
		return false, false, true // a program playing
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
		client, conn, err := Dial(func(msg any) {
			switch m := msg.(type) {
			case *proto.SubscribeEvent:
				d, st, sm := listChange(m.Event)
				if d {
					p.dirty()
				}
				if st {
					p.state()
				}
				if sm {
					p.streams()
				}
			case *proto.ConnectionClosed:
				closeOnce.Do(func() { close(closed) })
			}
		})
		if err == nil {
			err = client.Request(&proto.Subscribe{Mask: proto.SubscriptionMaskSink | proto.SubscriptionMaskSource |
				proto.SubscriptionMaskServer | proto.SubscriptionMaskCard | maskSourceOutput | proto.SubscriptionMaskSinkInput}, nil)
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
			p.streams()
			backoff = backoffMin
			select {
			case <-p.stop:
				conn.Close()
				return
			case <-closed:
				conn.Close()
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

func (p *watch) Close() error {
	p.once.Do(func() { close(p.stop) })
	<-p.done
	return nil
}
