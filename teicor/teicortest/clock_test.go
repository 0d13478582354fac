package teicortest_test

import (
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestClockFrozen(t *testing.T) {
	is := is.New(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 999, time.UTC)
	clock := teicortest.NewClock(start)

	first := clock.Now()
	second := clock.Now()
	clock.Advance(time.Hour)
	advanced := clock.Now()
	clock.Set(start.Add(-time.Hour))
	set := clock.Now()

	is.Equal(first, start.Truncate(time.Microsecond))
	is.Equal(second, first)
	is.Equal(advanced, first.Add(time.Hour))
	is.Equal(set, first.Add(-time.Hour))
}

func TestClockGranularity(t *testing.T) {
	is := is.New(t)
	clock := teicortest.NewClock(time.Date(2026, 1, 1, 0, 0, 1, 700000000, time.UTC))

	clock.SetGranularity(time.Second)
	coarse := clock.Now()
	clock.SetGranularity(0)
	fine := clock.Now()

	is.Equal(coarse, time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC))
	is.Equal(fine, time.Date(2026, 1, 1, 0, 0, 1, 700000000, time.UTC))
}

func TestClockResume(t *testing.T) {
	is := is.New(t)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := teicortest.NewClock(start)

	clock.Resume()
	deadline := time.Now().Add(5 * time.Second)
	for !clock.Now().After(start) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}

	is.True(clock.Now().After(start))
	is.True(clock.Now().Before(start.Add(time.Minute))) // it runs from start, not from real time
}

func TestClockFreeze(t *testing.T) {
	is := is.New(t)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := teicortest.NewClock(start)
	clock.Resume()

	clock.Freeze()
	first := clock.Now()
	deadline := time.Now().Add(10 * time.Millisecond)
	for time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	second := clock.Now()

	is.Equal(first, second)
	is.True(!first.Before(start))
}
