package teicor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Scope is the access an authority token grants on the runtime API.
type Scope string

// Authority token scopes.
const (
	// ScopeRead allows GET requests.
	ScopeRead Scope = "read"
	// ScopeWrite allows every method.
	ScopeWrite Scope = "write"
)

// AuthorityToken is a short-lived token for the runtime API.
type AuthorityToken struct {
	// Token is sent as the bearer token of runtime requests.
	Token Secret
	// RuntimeURL is the runtime API address the token is valid for.
	RuntimeURL string
	// ExpiresAt is when the token expires, by the client's clock.
	ExpiresAt time.Time
	// Scope is the access the token grants.
	Scope Scope
}

// refreshMargin is how long before its expiry a cached token is replaced.
const refreshMargin = 30 * time.Second

// RuntimeAuthorityToken returns an authority token of the given scope
// (get_runtime_authority_token). Tokens are cached per scope until 30 s
// before they expire (half their lifetime for tokens shorter than a minute),
// and concurrent callers that find no valid token share one request.
func (c *Client) RuntimeAuthorityToken(ctx context.Context, scope Scope) (*AuthorityToken, error) {
	if scope != ScopeRead && scope != ScopeWrite {
		return nil, fmt.Errorf("teicor: invalid scope %q: use %q or %q", scope, ScopeRead, ScopeWrite)
	}
	tok, err := c.tokens.get(ctx, scope)
	if err != nil {
		return nil, err
	}
	copied := *tok
	return &copied, nil
}

type tokenRequest struct {
	Scope Scope `json:"scope"`
}

type tokenResponse struct {
	Token            string      `json:"runtime_authority_token"`
	RuntimeURL       string      `json:"runtime_url"`
	ExpiresInSeconds json.Number `json:"expires_in_seconds"`
	Scope            Scope       `json:"scope"`
}

// fetchAuthorityToken requests a new token from the auth_url of the app
// context. Token requests create no state, so they are retried.
func (c *Client) fetchAuthorityToken(ctx context.Context, scope Scope) (*AuthorityToken, error) {
	var out tokenResponse
	req := request{
		op: opGetAuthorityToken, method: http.MethodPost, api: apiAuth,
		body: tokenRequest{Scope: scope}, idempotent: true,
	}
	start := time.Now()
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	if out.Token == "" {
		return nil, fmt.Errorf("teicor: %s: response has no runtime_authority_token", opGetAuthorityToken)
	}
	secs, err := out.ExpiresInSeconds.Float64()
	if err != nil || secs <= 0 {
		return nil, fmt.Errorf("teicor: %s: invalid expires_in_seconds %q: must be a positive number",
			opGetAuthorityToken, out.ExpiresInSeconds)
	}
	if out.Scope == "" {
		out.Scope = scope
	}
	return &AuthorityToken{
		Token:      Secret(out.Token),
		RuntimeURL: out.RuntimeURL,
		ExpiresAt:  start.Add(time.Duration(secs * float64(time.Second))),
		Scope:      out.Scope,
	}, nil
}

// tokenCache holds one authority token per scope. When no valid token is
// cached, the first caller fetches one and concurrent callers wait for that
// fetch, so a burst of requests costs one token request.
type tokenCache struct {
	fetch func(ctx context.Context, scope Scope) (*AuthorityToken, error)

	mu      sync.Mutex
	tokens  map[Scope]cachedToken
	flights map[Scope]*tokenFlight
}

type cachedToken struct {
	token     *AuthorityToken
	refreshAt time.Time
}

// tokenFlight is a token fetch in progress. done is closed when token and
// err are set.
type tokenFlight struct {
	done  chan struct{}
	token *AuthorityToken
	err   error
}

// get returns the cached token of scope, or fetches one.
func (tc *tokenCache) get(ctx context.Context, scope Scope) (*AuthorityToken, error) {
	for {
		tc.mu.Lock()
		if cached, ok := tc.tokens[scope]; ok && time.Now().Before(cached.refreshAt) {
			tc.mu.Unlock()
			return cached.token, nil
		}
		flight, joined := tc.flights[scope]
		if !joined {
			flight = &tokenFlight{done: make(chan struct{})}
			if tc.flights == nil {
				tc.flights = make(map[Scope]*tokenFlight)
			}
			tc.flights[scope] = flight
		}
		tc.mu.Unlock()

		if !joined {
			tc.run(ctx, scope, flight)
			return flight.token, flight.err
		}
		select {
		case <-flight.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("teicor: %s: %w", opGetAuthorityToken, ctx.Err())
		}
		// The fetch failed because its caller's context ended. This caller's
		// context is still live, so it fetches again.
		if flight.err != nil && isContextError(flight.err) && ctx.Err() == nil {
			continue
		}
		return flight.token, flight.err
	}
}

// run fetches a token for flight and stores it in the cache.
func (tc *tokenCache) run(ctx context.Context, scope Scope, flight *tokenFlight) {
	flight.token, flight.err = tc.fetch(ctx, scope)

	tc.mu.Lock()
	defer tc.mu.Unlock()
	delete(tc.flights, scope)
	if flight.err == nil {
		if tc.tokens == nil {
			tc.tokens = make(map[Scope]cachedToken)
		}
		tc.tokens[scope] = cachedToken{token: flight.token, refreshAt: refreshTime(flight.token.ExpiresAt)}
	}
	close(flight.done)
}

// refreshTime returns when a token expiring at expiresAt should be
// replaced: 30 s before expiry, or halfway for tokens shorter than a minute.
func refreshTime(expiresAt time.Time) time.Time {
	margin := min(refreshMargin, time.Until(expiresAt)/2)
	return expiresAt.Add(-margin)
}

// invalidate drops token from the cache, unless another caller has already
// replaced it with a newer one.
func (tc *tokenCache) invalidate(scope Scope, token *AuthorityToken) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if cached, ok := tc.tokens[scope]; ok && cached.token == token {
		delete(tc.tokens, scope)
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
