package teicor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// RetryPolicy sets how a request that failed with 429, a 5xx status or a
// connection error is retried. Only idempotent requests are retried.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt. 0
	// disables retries, but only together with a non-zero BaseDelay or
	// MaxDelay, because an all-zero RetryPolicy means the default policy.
	MaxRetries int
	// BaseDelay is the wait before the first retry. Each further retry
	// doubles it.
	BaseDelay time.Duration
	// MaxDelay caps every wait except one set by a Retry-After header.
	MaxDelay time.Duration
	// Jitter is the fraction, from 0 to 1, by which each wait is randomly
	// shortened or lengthened.
	Jitter float64
}

// DefaultRetryPolicy returns the Python SDK's defaults: 5 retries, a base
// delay of 500 ms, a maximum delay of 8 s and a jitter of 0.2.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Jitter: 0.2}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0:
		return fmt.Errorf("invalid Retry.MaxRetries %d: must be 0 or more", p.MaxRetries)
	case p.MaxRetries > 0 && p.BaseDelay <= 0:
		return fmt.Errorf("invalid Retry.BaseDelay %s: must be greater than 0, for example 500ms", p.BaseDelay)
	case p.MaxRetries > 0 && p.MaxDelay < p.BaseDelay:
		return fmt.Errorf("invalid Retry.MaxDelay %s: must not be less than Retry.BaseDelay %s", p.MaxDelay, p.BaseDelay)
	case p.Jitter < 0 || p.Jitter > 1:
		return fmt.Errorf("invalid Retry.Jitter %v: must be between 0 and 1, for example 0.2", p.Jitter)
	}
	return nil
}

// RetryInfo describes a retry that is about to wait.
type RetryInfo struct {
	// Operation is the SDK operation name, such as bulk_upsert.
	Operation string
	// Attempt is the number of the attempt that failed, starting at 1.
	Attempt int
	// Wait is the time until the next attempt.
	Wait time.Duration
	// Err is the error of the failed attempt.
	Err error
}

// retryBackOff is an exponential backoff whose next wait a Retry-After
// header can replace. Jittered waits are capped at the maximum delay.
type retryBackOff struct {
	exp        *backoff.ExponentialBackOff
	maxDelay   time.Duration
	retryAfter time.Duration
}

func (b *retryBackOff) Reset() { b.exp.Reset() }

func (b *retryBackOff) NextBackOff() time.Duration {
	next := min(b.exp.NextBackOff(), b.maxDelay)
	if b.retryAfter > 0 {
		next = b.retryAfter
		b.retryAfter = 0
	}
	return next
}

func newRetryBackOff(p RetryPolicy) *retryBackOff {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(p.BaseDelay),
		backoff.WithMaxInterval(p.MaxDelay),
		backoff.WithRandomizationFactor(p.Jitter),
		backoff.WithMultiplier(2),
		backoff.WithMaxElapsedTime(0),
	)
	return &retryBackOff{exp: exp, maxDelay: p.MaxDelay}
}

// retry runs attempt until it succeeds, fails with an error that is not
// retryable, or the policy runs out of retries. It returns the number of
// attempts made. The wait before a retry ends early when ctx is done.
func (c *Client) retry(ctx context.Context, op string, p RetryPolicy, attempt func() error) (int, error) {
	attempts := 0
	var lastErr error
	b := newRetryBackOff(p)
	operation := func() error {
		attempts++
		err := attempt()
		lastErr = err
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !isRetryable(err) {
			return backoff.Permanent(err)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			b.retryAfter = apiErr.RetryAfter
		}
		return err
	}
	notify := func(err error, wait time.Duration) {
		if c.onRetry != nil {
			c.onRetry(ctx, RetryInfo{Operation: op, Attempt: attempts, Wait: wait, Err: err})
		}
	}
	maxRetries := uint64(max(p.MaxRetries, 0))
	policy := backoff.WithContext(backoff.WithMaxRetries(b, maxRetries), ctx)
	err := backoff.RetryNotify(operation, policy, notify)
	if err != nil && lastErr != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) && !errors.Is(lastErr, ctx.Err()) {
		// The context ended during the wait before a retry. Keep the failure
		// that caused the retry in the message.
		return attempts, fmt.Errorf("teicor: %s: %w while waiting to retry after %d attempts, last error: %w",
			op, err, attempts, lastErr)
	}
	return attempts, err
}

// isRetryable reports whether err is worth a retry: a 429, a 5xx or a
// failure of the connection, unless a request it depends on has already
// run out of retries.
func isRetryable(err error) bool {
	var retried *retriedError
	if errors.As(err, &retried) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.retryable()
	}
	var tErr *transportError
	return errors.As(err, &tErr)
}
