package destination

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v4"
	sdk "github.com/conduitio/conduit-connector-sdk"
	"github.com/rs/zerolog"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// createCall is one create_table or create_column request that the
// destination retries itself, because the client sends POST requests once.
type createCall[T any] struct {
	// operation is create_table or create_column.
	operation string
	// describe adds the table id or name and the column name to log lines.
	describe func(*zerolog.Event) *zerolog.Event
	send     func() (T, error)
	// lookup finds what an earlier attempt created. It returns false when
	// the table or column does not exist.
	lookup func() (T, bool, error)
}

// retryCreate sends call.send and retries it with policy on 429, 5xx and
// connection errors. A response may be lost after the server created the
// table or column, so a 409 on a retry means that an earlier attempt
// succeeded, and retryCreate returns what call.lookup finds. A 409 on the
// first attempt means that another writer created it, which is handled
// the same way.
func retryCreate[T any](ctx context.Context, policy teicor.RetryPolicy, call createCall[T]) (T, error) {
	var zero T
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(policy.BaseDelay),
		backoff.WithMaxInterval(policy.MaxDelay),
		backoff.WithRandomizationFactor(policy.Jitter),
		backoff.WithMultiplier(2),
		backoff.WithMaxElapsedTime(0),
	)
	for attempt := 1; ; attempt++ {
		created, err := call.send()
		if err == nil {
			return created, nil
		}
		if errors.Is(err, teicor.ErrConflict) {
			return lookupCreated(ctx, call, attempt, err)
		}
		if attempt > policy.MaxRetries || ctx.Err() != nil || !retryableCreate(err, call.operation) {
			return zero, err
		}
		wait := min(b.NextBackOff(), policy.MaxDelay)
		var apiErr *teicor.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			wait = apiErr.RetryAfter
		}
		call.describe(sdk.Logger(ctx).Warn()).
			Err(err).
			Str("operation", call.operation).
			Int("attempt", attempt).
			Dur("wait", wait).
			Msg("retrying teicor create request")
		if waitErr := sleep(ctx, wait); waitErr != nil {
			return zero, fmt.Errorf("%w while waiting to retry after %d attempts, last error: %w",
				waitErr, attempt, err)
		}
	}
}

func lookupCreated[T any](ctx context.Context, call createCall[T], attempt int, conflict error) (T, error) {
	var zero T
	found, ok, err := call.lookup()
	if err != nil {
		return zero, errors.Join(conflict, err)
	}
	if !ok {
		return zero, conflict
	}
	call.describe(sdk.Logger(ctx).Info()).
		Str("operation", call.operation).
		Int("attempt", attempt).
		Msg("create request conflicts with an existing table or column of that name, using it")
	return found, nil
}

// retryableCreate reports whether a failed create request may succeed when
// sent again: a 429 or 5xx response to the request itself, or a broken
// connection. A 429 or 5xx of a get_context or token request that the
// client sent first does not count, because the client already retried it.
// NOTE: a broken connection of such a request does count, because the
// client does not export which request it broke on.
func retryableCreate(err error, operation string) bool {
	var apiErr *teicor.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Operation == operation &&
			(errors.Is(apiErr, teicor.ErrRateLimited) || errors.Is(apiErr, teicor.ErrUnavailable))
	}
	var urlErr *url.Error
	var netErr net.Error
	return errors.As(err, &urlErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
