package devices

import "time"

// coalescer decides when a burst of "dirty" signals has settled enough to
// scan: a trailing window after the last signal, capped by a maximum wait
// from the first, so a continuous storm still scans a few times a second.
// It holds no timer and no goroutine; the watcher asks it and arms its own
// timer, and tests drive it with made-up instants.
type coalescer struct {
	window  time.Duration
	maxWait time.Duration

	pending bool
	first   time.Time
	last    time.Time
}

// dirty records a signal at now and returns when a scan is due.
func (c *coalescer) dirty(now time.Time) time.Time {
	if !c.pending {
		c.pending = true
		c.first = now
	}
	c.last = now
	return c.deadline()
}

func (c *coalescer) deadline() time.Time {
	d := c.last.Add(c.window)
	if max := c.first.Add(c.maxWait); d.After(max) {
		d = max
	}
	return d
}

// due reports whether a scan should start at now; if so the burst is
// consumed and signals from here on start a new one.
func (c *coalescer) due(now time.Time) bool {
	if !c.pending || now.Before(c.deadline()) {
		return false
	}
	c.pending = false
	return true
}
