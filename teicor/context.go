package teicor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// AppContext is the runtime access descriptor of an app installation.
type AppContext struct {
	TeamSlug string `json:"team_slug"`
	AppSlug  string `json:"app_slug"`
	// RuntimeURL is the base address of the runtime API.
	RuntimeURL string `json:"runtime_url"`
	// AuthURL is the address that issues authority tokens.
	AuthURL string `json:"auth_url"`
}

// GetContext returns the app context (get_context). The first successful
// result is cached and used for every later runtime call. Concurrent first
// callers share one request.
func (c *Client) GetContext(ctx context.Context) (*AppContext, error) {
	if cached := c.appContext.Load(); cached != nil {
		copied := *cached
		return &copied, nil
	}
	select {
	case c.contextLock <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("teicor: %s: %w", opGetContext, ctx.Err())
	}
	defer func() { <-c.contextLock }()
	if cached := c.appContext.Load(); cached != nil {
		copied := *cached
		return &copied, nil
	}

	var out AppContext
	req := request{op: opGetContext, method: http.MethodGet, api: apiCore, path: pathContext, idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	if err := c.checkContextURL("runtime_url", out.RuntimeURL); err != nil {
		return nil, err
	}
	if err := c.checkContextURL("auth_url", out.AuthURL); err != nil {
		return nil, err
	}
	c.appContext.Store(&out)
	copied := out
	return &copied, nil
}

// checkContextURL checks a URL of the app context. When the core API is
// reached over https, the runtime and auth URLs must use https too, because
// the service token and the authority tokens are sent to them.
func (c *Client) checkContextURL(field, raw string) error {
	if err := validateAbsoluteURL(field, raw); err != nil {
		return fmt.Errorf("teicor: %s: %w", opGetContext, err)
	}
	core, _ := url.Parse(c.coreURL)
	target, _ := url.Parse(raw)
	if core.Scheme == schemeHTTPS && target.Scheme != schemeHTTPS {
		return fmt.Errorf("teicor: %s: invalid %s %q: must use https like the base URL", opGetContext, field, raw)
	}
	return nil
}
