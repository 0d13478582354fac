// Package teicor is a client for the Teicor API: the core API of an app
// installation (context, core state, authority tokens) and the runtime API
// (schemas, tables, columns, records, bulk upserts, sync status and saved
// queries). It mirrors the operations of the Teicor Python SDK 0.3.0,
// including its two-gate sync loops and checkpointed bulk sync.
//
// Every method takes a context and returns an *APIError for a non-2xx
// response. The client does not log, and no error, String or JSON output
// contains the service token or an authority token.
package teicor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the address of the production core API.
const DefaultBaseURL = "https://api.teicor.com"

// MaxPageSize is the largest limit that list_records accepts.
const MaxPageSize = 1000

// MaxBulkChunk is the largest number of records in one bulk upsert.
const MaxBulkChunk = 500

// maxResponseBytes caps the size of a response body that the client reads.
const maxResponseBytes = 32 << 20

const defaultUserAgent = "teicor-go"

const (
	schemeHTTP  = "http"
	schemeHTTPS = "https"
)

// Options configures a Client.
type Options struct {
	// BaseURL is the address of the core API. Empty means DefaultBaseURL.
	BaseURL string
	// TeamSlug is the slug of the team that installed the app.
	TeamSlug string
	// AppSlug is the slug of the installed app.
	AppSlug string
	// ServiceToken is the app installation's service token.
	ServiceToken Secret
	// HTTPClient sends the requests. Nil means a client with a 60 s timeout.
	HTTPClient *http.Client
	// UserAgent is the User-Agent header. Empty means "teicor-go".
	UserAgent string
	// Retry sets the retries of idempotent requests. The zero value means
	// DefaultRetryPolicy.
	Retry RetryPolicy
	// OnRetry, if set, is called before each wait between two attempts.
	OnRetry func(ctx context.Context, info RetryInfo)
}

// Client calls the Teicor API of one app installation. It is safe for
// concurrent use.
type Client struct {
	coreURL    string
	teamSlug   string
	appSlug    string
	token      Secret
	httpClient *http.Client
	userAgent  string
	policy     RetryPolicy
	onRetry    func(ctx context.Context, info RetryInfo)

	// contextLock serializes get_context requests, as a mutex that a
	// waiting caller can leave when its context ends. appContext caches the
	// first successful result.
	contextLock chan struct{}
	appContext  atomic.Pointer[AppContext]

	tokens tokenCache
}

// New returns a client for the app installation that opts names. It checks
// the options without sending a request.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.Retry == (RetryPolicy{}) {
		opts.Retry = DefaultRetryPolicy()
	}
	if err := validateOptions(opts); err != nil {
		return nil, fmt.Errorf("teicor: %w", err)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = defaultUserAgent
	}
	c := &Client{
		coreURL:    strings.TrimSuffix(opts.BaseURL, "/") + corePrefix(opts.TeamSlug, opts.AppSlug),
		teamSlug:   opts.TeamSlug,
		appSlug:    opts.AppSlug,
		token:      opts.ServiceToken,
		httpClient: opts.HTTPClient,
		userAgent:  opts.UserAgent,
		policy:     opts.Retry,
		onRetry:    opts.OnRetry,

		contextLock: make(chan struct{}, 1),
	}
	c.tokens.fetch = c.fetchAuthorityToken
	return c, nil
}

func validateOptions(opts Options) error {
	var errs []error
	if err := validateAbsoluteURL("BaseURL", opts.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(opts.TeamSlug) == "" {
		errs = append(errs, errors.New("missing TeamSlug: set it to the slug of the team that installed the app, for example client-a"))
	}
	if strings.TrimSpace(opts.AppSlug) == "" {
		errs = append(errs, errors.New("missing AppSlug: set it to the slug of the installed app, for example shopify"))
	}
	if strings.TrimSpace(opts.ServiceToken.Reveal()) == "" {
		errs = append(errs, errors.New("missing ServiceToken: set it to the app installation's service token"))
	}
	if err := opts.Retry.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// validateAbsoluteURL checks that raw is an absolute http or https URL.
func validateAbsoluteURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != schemeHTTPS && u.Scheme != schemeHTTP) {
		return fmt.Errorf("invalid %s %q: must be an absolute http(s) URL such as %s", name, raw, DefaultBaseURL)
	}
	if u.User != nil {
		return fmt.Errorf("invalid %s: must not contain user information", name)
	}
	return nil
}

// TeamSlug returns the team slug the client was created with.
func (c *Client) TeamSlug() string { return c.teamSlug }

// AppSlug returns the app slug the client was created with.
func (c *Client) AppSlug() string { return c.appSlug }

// CloseIdleConnections closes the idle keep-alive connections of the
// client's HTTP client. Call it when the client is no longer used.
func (c *Client) CloseIdleConnections() {
	c.httpClient.CloseIdleConnections()
}
