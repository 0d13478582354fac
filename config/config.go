// Package config holds the connection settings that the Teicor source and
// destination share, and builds a Teicor client from them.
package config

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Config is the connection to one Teicor app installation.
type Config struct {
	// BaseURL is the address of the Teicor core API. The runtime and token
	// addresses are read from the app context that this API returns. Plain
	// http is accepted only for loopback addresses, such as a local emulator.
	BaseURL string `json:"baseURL" default:"https://api.teicor.com"`
	// TeamSlug is the slug of the team that installed the app.
	TeamSlug string `json:"teamSlug" validate:"required"`
	// AppSlug is the slug of the installed app whose service token is used.
	AppSlug string `json:"appSlug" validate:"required"`
	// ServiceToken is the app installation's service token (it starts with
	// tkmkt_). Keep it out of pipeline files by writing
	// ${TEICOR_SERVICE_TOKEN} and setting that environment variable for
	// Conduit. The connector never logs it.
	ServiceToken string `json:"serviceToken" validate:"required"`

	// RetryMax is the maximum number of retries of a request that failed
	// with 429, a 5xx status or a connection error. 0 disables retries.
	RetryMax int `json:"retry.max" default:"5" validate:"gt=-1"`
	// RetryBaseDelay is the wait before the first retry. Each further
	// retry doubles it, up to retry.maxDelay. A Retry-After header
	// overrides it.
	RetryBaseDelay time.Duration `json:"retry.baseDelay" default:"500ms"`
	// RetryMaxDelay is the longest wait between two retries.
	RetryMaxDelay time.Duration `json:"retry.maxDelay" default:"8s"`
	// RetryJitter is the fraction (0 to 1) by which each retry wait is
	// randomly shortened or lengthened, so that many clients do not retry
	// in step.
	RetryJitter float64 `json:"retry.jitter" default:"0.2"`
	// RequestTimeout is the maximum time one HTTP request may take,
	// including reading the response body.
	RequestTimeout time.Duration `json:"requestTimeout" default:"60s"`
}

// Validate checks the settings that struct tags cannot express. Each error
// names the parameter, its value (never the token) and the fix.
func (c *Config) Validate(context.Context) error {
	var errs []error
	if err := validateBaseURL(c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if c.RetryBaseDelay <= 0 {
		errs = append(errs, fmt.Errorf("invalid retry.baseDelay %q: must be greater than 0, for example 500ms", c.RetryBaseDelay))
	}
	if c.RetryMaxDelay < c.RetryBaseDelay {
		errs = append(errs, fmt.Errorf("invalid retry.maxDelay %q: must not be less than retry.baseDelay %q", c.RetryMaxDelay, c.RetryBaseDelay))
	}
	if c.RetryJitter < 0 || c.RetryJitter > 1 {
		errs = append(errs, fmt.Errorf("invalid retry.jitter %v: must be between 0 and 1, for example 0.2", c.RetryJitter))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("invalid requestTimeout %q: must be greater than 0, for example 60s", c.RequestTimeout))
	}
	return errors.Join(errs...)
}

func validateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid baseURL: %w; use an absolute https URL such as %s", err, teicor.DefaultBaseURL)
	}
	// Redacted hides a password in the URL, which must not reach logs.
	redacted := u.Redacted()
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("invalid baseURL %q: must be an absolute http(s) URL such as %s", redacted, teicor.DefaultBaseURL)
	}
	if u.User != nil {
		return fmt.Errorf("invalid baseURL %q: must not contain user information; "+
			"the service token is the only credential", redacted)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("invalid baseURL %q: plain http would send the service token unencrypted; "+
			"use https (http is accepted only for loopback addresses)", redacted)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ClientOptions returns the client options for these settings.
func (c *Config) ClientOptions() teicor.Options {
	return teicor.Options{
		BaseURL:      c.BaseURL,
		TeamSlug:     c.TeamSlug,
		AppSlug:      c.AppSlug,
		ServiceToken: teicor.Secret(c.ServiceToken),
		HTTPClient:   newHTTPClient(c.RequestTimeout),
		Retry: teicor.RetryPolicy{
			MaxRetries: c.RetryMax,
			BaseDelay:  c.RetryBaseDelay,
			MaxDelay:   c.RetryMaxDelay,
			Jitter:     c.RetryJitter,
		},
		UserAgent: "conduit-connector-teicor",
	}
}

func newHTTPClient(timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// The source reads pages and the destination writes chunks against one
	// runtime host, so keep enough idle connections to reuse them.
	transport.MaxIdleConnsPerHost = 16
	return &http.Client{Timeout: timeout, Transport: transport}
}
