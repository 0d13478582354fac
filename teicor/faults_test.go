package teicor_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestRetryAfterWaitsThenSucceeds(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			writeError(w, http.StatusTooManyRequests, "rate_limited", "slow down")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	var waits []time.Duration
	c := f.client(t, func(o *teicor.Options) {
		o.OnRetry = func(_ context.Context, info teicor.RetryInfo) { waits = append(waits, info.Wait) }
	})

	start := time.Now()
	_, err := c.ListSchemas(context.Background())
	elapsed := time.Since(start)

	is.NoErr(err)
	is.Equal(calls.Load(), int32(2))
	is.Equal(waits, []time.Duration{2 * time.Second}) // Retry-After replaces the backoff delay
	is.True(elapsed >= 2*time.Second)                 // waited for Retry-After
	is.True(elapsed < 4*time.Second)                  // and not much longer
}

func TestRetryOn5xxReportsEachAttempt(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			writeError(w, http.StatusServiceUnavailable, "unavailable", "try later")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	var infos []teicor.RetryInfo
	c := f.client(t, func(o *teicor.Options) {
		o.OnRetry = func(_ context.Context, info teicor.RetryInfo) { infos = append(infos, info) }
	})

	_, err := c.ListSchemas(context.Background())
	is.NoErr(err)
	is.Equal(calls.Load(), int32(3))
	is.Equal(len(infos), 2)
	is.Equal(infos[0].Operation, "list_schemas")
	is.Equal(infos[0].Attempt, 1)
	is.Equal(infos[1].Attempt, 2)
	is.True(errors.Is(infos[0].Err, teicor.ErrUnavailable)) // the failed attempt's error
	is.True(infos[1].Wait <= 5*time.Millisecond)            // capped at MaxDelay
}

func TestRetryGivesUpAfterMaxRetries(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-Request-Id", "req-42")
		writeError(w, http.StatusBadGateway, "unavailable", "upstream down")
	})
	_, err := f.client(t).GetTable(context.Background(), "t1")

	var apiErr *teicor.APIError
	is.True(errors.As(err, &apiErr))
	is.Equal(calls.Load(), int32(4)) // first attempt and 3 retries
	is.Equal(apiErr.StatusCode, http.StatusBadGateway)
	is.Equal(apiErr.Error(), "teicor: get_table: 502 unavailable: upstream down (request id req-42)")
}

func TestNoRetryForCreate(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "try later")
	})
	_, err := f.client(t).CreateRecord(context.Background(), "t1", teicor.RecordData{"c1": "x"})
	is.True(errors.Is(err, teicor.ErrUnavailable))
	is.Equal(calls.Load(), int32(1)) // a retried POST could create the record twice
}

func TestBulkRetriesDependOnConflictMode(t *testing.T) {
	for _, tc := range []struct {
		mode      teicor.OnConflict
		wantCalls int32
	}{
		{teicor.OnConflictOverwrite, 4},
		{teicor.OnConflictSkip, 4},
		{teicor.OnConflictError, 1},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			is := is.New(t)
			var calls atomic.Int32
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				writeError(w, http.StatusInternalServerError, "internal", "boom")
			})
			_, err := f.client(t).BulkUpsert(context.Background(), "t1", []teicor.RecordData{{"c1": "a"}}, tc.mode)
			is.True(errors.Is(err, teicor.ErrUnavailable))
			is.Equal(calls.Load(), tc.wantCalls)
		})
	}
}

func TestRetryAfterDroppedConnection(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	_, err := f.client(t).ListSchemas(context.Background())
	is.NoErr(err)
	is.Equal(calls.Load(), int32(2))
}

func TestExpiredTokenRefreshedOnceForBurst(t *testing.T) {
	is := is.New(t)
	var expired atomic.Bool
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if expired.Load() && r.Header.Get("Authorization") == "Bearer rt-read-1" {
			writeError(w, http.StatusUnauthorized, "token_expired", "authority token expired")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	c := f.client(t)
	ctx := context.Background()
	_, err := c.ListSchemas(ctx)
	is.NoErr(err)
	expired.Store(true)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.ListSchemas(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		is.NoErr(err)
	}
	is.True(len(f.runtimeRequests()) > 21)    // some requests were rejected and sent again
	is.Equal(f.tokensIssued.Load(), int32(2)) // the first token and one refresh
}

func TestAuthFailureAfterRefreshIsReturned(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeError(w, http.StatusForbidden, "forbidden", "table is private")
	})
	_, err := f.client(t).GetTable(context.Background(), "t1")

	var apiErr *teicor.APIError
	is.True(errors.As(err, &apiErr))
	is.True(errors.Is(err, teicor.ErrForbidden))
	is.Equal(calls.Load(), int32(2))          // the request and one retry
	is.Equal(f.tokensIssued.Load(), int32(2)) // the first token and one refresh
}

func TestTokenCachedPerScope(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}, "name": "s"})
	})
	c := f.client(t)
	ctx := context.Background()
	for range 3 {
		_, err := c.ListSchemas(ctx)
		is.NoErr(err)
		_, err = c.CreateSchema(ctx, "s")
		is.NoErr(err)
	}
	is.Equal(f.tokensIssued.Load(), int32(2)) // one read and one write token
}

func TestShortLivedTokenRefreshedBeforeExpiry(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	f.tokenLifetime = 1 // refreshed after half its lifetime
	c := f.client(t)
	ctx := context.Background()
	_, err := c.ListSchemas(ctx)
	is.NoErr(err)

	deadline := time.Now().Add(5 * time.Second)
	for f.tokensIssued.Load() < 2 && time.Now().Before(deadline) {
		_, err := c.ListSchemas(ctx)
		is.NoErr(err)
	}
	is.Equal(f.tokensIssued.Load(), int32(2)) // a new token before the old one expired
}

func TestBulkValidationErrorNamesRecord(t *testing.T) {
	is := is.New(t)
	var calls atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeJSON(w, http.StatusOK, map[string]any{"created": 2, "record_ids": []any{"r1", "r2"}})
			return
		}
		writeErrorDetails(w, http.StatusUnprocessableEntity, "validation_failed", "value is not a number",
			map[string]any{"index": 1, "column_id": "c_amount", "reason": "type_mismatch"})
	})
	records := []teicor.RecordData{{"c": 1}, {"c": 2}, {"c": 3}, {"c": "x"}}
	summary, err := f.client(t).SyncRecordsBulk(context.Background(), "t1", records, teicor.BulkOptions{ChunkSize: 2})

	var apiErr *teicor.APIError
	is.True(errors.As(err, &apiErr))
	index, ok := apiErr.Index()
	is.True(ok)
	is.Equal(index, 1)
	is.Equal(apiErr.ColumnID(), "c_amount")
	is.Equal(apiErr.Reason(), "type_mismatch")
	is.True(errors.Is(err, teicor.ErrValidation))

	var chunkErr *teicor.ChunkError
	is.True(errors.As(err, &chunkErr))
	is.Equal(chunkErr.Chunk, 1)
	recordIndex, ok := chunkErr.RecordIndex()
	is.True(ok)
	is.Equal(recordIndex, 3) // index in the whole input
	is.Equal(summary.Chunks, 1)
	is.Equal(calls.Load(), int32(2)) // a 422 is not retried
}

func TestCancelledRequestReturnsPromptly(t *testing.T) {
	is := is.New(t)
	started := make(chan struct{})
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	c := f.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()

	start := time.Now()
	_, err := c.ListSchemas(ctx)
	is.True(errors.Is(err, context.Canceled))
	is.True(time.Since(start) < time.Second)                        // did not wait for the server
	is.True(strings.HasPrefix(err.Error(), "teicor: list_schemas")) // names the operation
}

func TestCancelDuringRetryWait(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "slow down")
	})
	ctx, cancel := context.WithCancel(context.Background())
	c := f.client(t, func(o *teicor.Options) {
		o.OnRetry = func(context.Context, teicor.RetryInfo) { cancel() }
	})

	start := time.Now()
	_, err := c.ListSchemas(ctx)
	is.True(errors.Is(err, context.Canceled))
	is.True(time.Since(start) < time.Second) // did not sit out Retry-After
}

func TestOversizedResponseRejected(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"schemas":[],"padding":"`))
		chunk := []byte(strings.Repeat("x", 1<<20))
		for range 33 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}`))
	})
	_, err := f.client(t).ListSchemas(context.Background())
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "response body exceeds the limit of 33554432 bytes"))
	is.Equal(len(f.runtimeRequests()), 1) // not retried
}
