package teicor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// apiKind is the API a request goes to, which fixes its base URL and its
// credentials.
type apiKind int

const (
	// apiCore requests go to the core API with the service token.
	apiCore apiKind = iota
	// apiAuth requests go to the absolute auth_url with the service token.
	apiAuth
	// apiRuntime requests go to the runtime_url with an authority token.
	apiRuntime
)

// request is one API operation before it is sent.
type request struct {
	op     string
	method string
	api    apiKind
	// path is the escaped path relative to the API's base URL. An apiAuth
	// request has none.
	path  string
	query url.Values
	body  any
	// idempotent requests are retried under the retry policy.
	idempotent bool
	// policy, if set, replaces the client's retry policy.
	policy *RetryPolicy
}

// response is the part of an HTTP response that callers need besides the
// decoded body.
type response struct {
	header   http.Header
	attempts int
}

// serverTime returns the response's Date header, or the zero time.
func (r *response) serverTime() time.Time {
	t, err := http.ParseTime(r.header.Get(headerDate))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// do sends req, retrying it when it is idempotent, and decodes a 2xx JSON
// body into out unless out is nil. The response is never nil, so callers
// can read the number of attempts after an error.
func (c *Client) do(ctx context.Context, req request, out any) (*response, error) {
	body, err := encodeBody(req)
	if err != nil {
		return &response{}, err
	}
	policy := c.policy
	if req.policy != nil {
		policy = *req.policy
	}
	if !req.idempotent {
		policy.MaxRetries = 0
	}

	var header http.Header
	attempts, err := c.retry(ctx, req.op, policy, func() error {
		var err error
		header, err = c.attempt(ctx, req, body, out)
		return err
	})
	if err != nil {
		return &response{attempts: attempts}, err
	}
	return &response{header: header, attempts: attempts}, nil
}

func encodeBody(req request) ([]byte, error) {
	if req.body == nil {
		return nil, nil
	}
	b, err := json.Marshal(req.body)
	if err != nil {
		return nil, fmt.Errorf("teicor: %s: encode request body: %w", req.op, err)
	}
	return b, nil
}

// attempt sends req once. A runtime request rejected with 401 or 403 is sent
// once more with a freshly fetched authority token.
func (c *Client) attempt(ctx context.Context, req request, body []byte, out any) (http.Header, error) {
	switch req.api {
	case apiCore:
		return c.send(ctx, req, c.coreURL, c.token, true, body, out)
	case apiAuth:
		appCtx, err := c.GetContext(ctx)
		if err != nil {
			return nil, &retriedError{err}
		}
		return c.send(ctx, req, appCtx.AuthURL, c.token, true, body, out)
	}

	appCtx, err := c.GetContext(ctx)
	if err != nil {
		return nil, &retriedError{err}
	}
	scope := scopeFor(req.method)
	tok, err := c.tokens.get(ctx, scope)
	if err != nil {
		return nil, &retriedError{err}
	}
	header, err := c.send(ctx, req, appCtx.RuntimeURL, tok.Token, false, body, out)
	if !isAuthFailure(err) {
		return header, err
	}
	c.tokens.invalidate(scope, tok)
	tok, err = c.tokens.get(ctx, scope)
	if err != nil {
		return nil, &retriedError{err}
	}
	return c.send(ctx, req, appCtx.RuntimeURL, tok.Token, false, body, out)
}

// retriedError is the failure of a get_context or token request that a
// request depends on. Those requests have run their own retries, so the
// dependent request does not retry them again.
type retriedError struct{ err error }

func (e *retriedError) Error() string { return e.err.Error() }

func (e *retriedError) Unwrap() error { return e.err }

// scopeFor returns the authority token scope a runtime request needs: read
// for GET, write for every other method.
func scopeFor(method string) Scope {
	if method == http.MethodGet {
		return ScopeRead
	}
	return ScopeWrite
}

func isAuthFailure(err error) bool {
	return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)
}

// send performs one HTTP exchange against base + req.path.
func (c *Client) send(ctx context.Context, req request, base string, bearer Secret, core bool, body []byte, out any) (http.Header, error) {
	target, err := joinURL(base, req.path, req.query)
	if err != nil {
		return nil, fmt.Errorf("teicor: %s: invalid URL %q: %w", req.op, base, err)
	}
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, target, reader)
	if err != nil {
		return nil, fmt.Errorf("teicor: %s: build request: %w", req.op, err)
	}
	c.setHeaders(httpReq, bearer, core, body != nil)

	resp, err := c.httpClient.Do(httpReq)
	if err != nil {
		return nil, c.sendError(ctx, req.op, err)
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, c.sendError(ctx, req.op, fmt.Errorf("read response: %w", err))
	}
	if len(data) > maxResponseBytes {
		return nil, fmt.Errorf("teicor: %s: response body exceeds the limit of %d bytes", req.op, maxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(req.op, resp, data)
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := decodeJSON(data, out); err != nil {
			return nil, fmt.Errorf("teicor: %s: decode %d response: %w", req.op, resp.StatusCode, err)
		}
	}
	return resp.Header, nil
}

func (c *Client) setHeaders(r *http.Request, bearer Secret, core, hasBody bool) {
	r.Header.Set(headerAuthorization, "Bearer "+bearer.Reveal())
	if core {
		r.Header.Set(headerAppSlug, c.appSlug)
	}
	r.Header.Set(headerAccept, contentTypeJSON)
	r.Header.Set(headerUserAgent, c.userAgent)
	if hasBody {
		r.Header.Set(headerContentType, contentTypeJSON)
	}
}

// sendError wraps a failure to exchange a request. A failure caused by the
// caller's context is final. Any other failure is a retryable
// transportError.
func (c *Client) sendError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("teicor: %s: %w", op, err)
	}
	return &transportError{op: op, err: err}
}

// decodeJSON decodes data into out with numbers kept as json.Number, so
// that large integers and decimals keep their exact value.
func decodeJSON(data []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(out)
}
