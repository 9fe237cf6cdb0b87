package devices

import (
	"sync"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// pulseWatch subscribes to the sound server's sink, source, card and server
// events on a connection of its own, and marks the pipeline dirty for each.
// When the server goes away it marks dirty once (the scan reports the
// loss) and reconnects with backoff; a successful reconnect marks dirty
// again, which brings the recovered list.
type pulseWatch struct {
	dirty func()
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

const (
	pulseBackoffMin = 100 * time.Millisecond
	pulseBackoffMax = 5 * time.Second
)

func startPulseWatch(dirty func()) *pulseWatch {
	p := &pulseWatch{dirty: dirty, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *pulseWatch) run() {
	defer close(p.done)
	backoff := pulseBackoffMin
	// Mark dirty whenever the connection state changes, including the
	// first subscribe: anything that changed between the Manager's first
	// scan and the subscription going live is caught by that scan.
	const unknown, up, down = 0, 1, 2
	state := unknown
	for {
		closed := make(chan struct{})
		var closeOnce sync.Once
		client, conn, err := dialPulse(func(msg any) {
			switch msg.(type) {
			case *proto.SubscribeEvent:
				p.dirty()
			case *proto.ConnectionClosed:
				closeOnce.Do(func() { close(closed) })
			}
		})
		if err == nil {
			err = client.Request(&proto.Subscribe{Mask: proto.SubscriptionMaskSink | proto.SubscriptionMaskSource |
				proto.SubscriptionMaskServer | proto.SubscriptionMaskCard}, nil)
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
			backoff = pulseBackoffMin
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
		if backoff *= 2; backoff > pulseBackoffMax {
			backoff = pulseBackoffMax
		}
	}
}

func (p *pulseWatch) Close() error {
	p.once.Do(func() { close(p.stop) })
	<-p.done
	return nil
}
