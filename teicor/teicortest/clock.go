package teicortest

import (
	"sync"
	"time"
)

// Clock is the emulator's time source. Every timestamp the server writes
// (updated_at, created_at, token expiry, the Date header) comes from it.
// It is safe for concurrent use.
type Clock struct {
	mu          sync.Mutex
	frozenAt    time.Time
	offset      time.Duration // added to time.Now() while running
	running     bool
	granularity time.Duration
}

// NewClock returns a clock frozen at start until Resume is called. Its
// granularity is one microsecond, the precision of API timestamps.
func NewClock(start time.Time) *Clock {
	return &Clock{frozenAt: start, granularity: time.Microsecond}
}

// newRealClock returns a running clock that follows real time.
func newRealClock() *Clock {
	return &Clock{running: true, granularity: time.Microsecond}
}

// Now returns the current emulator time in UTC, truncated to the
// granularity.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	t := c.frozenAt
	if c.running {
		t = time.Now().Add(c.offset)
	}
	return t.UTC().Truncate(c.granularity)
}

// Set moves the clock to t. A running clock keeps running from t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.frozenAt = t
	c.offset = time.Until(t)
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.frozenAt = c.frozenAt.Add(d)
	c.offset += d
}

// Resume makes a frozen clock follow real time from its current value on.
func (c *Clock) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.running {
		return
	}
	c.offset = time.Until(c.frozenAt)
	c.running = true
}

// Freeze stops the clock at its current value.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()

	if !c.running {
		return
	}
	c.frozenAt = time.Now().Add(c.offset)
	c.running = false
}

// SetGranularity truncates every later timestamp to a multiple of d, so
// that several changes can share one updated_at. A d below one
// microsecond restores the default of one microsecond.
func (c *Clock) SetGranularity(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if d < time.Microsecond {
		d = time.Microsecond
	}
	c.granularity = d
}

// timestampLayout is RFC 3339 in UTC with microseconds, the format of
// every timestamp in API bodies.
const timestampLayout = "2006-01-02T15:04:05.000000Z07:00"

func formatTime(t time.Time) string {
	return t.UTC().Format(timestampLayout)
}

// formatTimePtr formats t, or returns nil for the zero time so that the
// JSON field is null.
func formatTimePtr(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}
