package config

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

func validConfig() Config {
	return Config{
		BaseURL:        "https://api.teicor.com",
		TeamSlug:       "acme",
		AppSlug:        "sync",
		ServiceToken:   "tkmkt_SECRET_canary",
		RetryMax:       5,
		RetryBaseDelay: 500 * time.Millisecond,
		RetryMaxDelay:  8 * time.Second,
		RetryJitter:    0.2,
		RequestTimeout: time.Minute,
	}
}

func TestValidateAcceptsValidSettings(t *testing.T) {
	is := is.New(t)
	for _, base := range []string{"https://api.teicor.com", "http://127.0.0.1:8089", "http://localhost:1", "http://[::1]:2"} {
		cfg := validConfig()
		cfg.BaseURL = base
		is.NoErr(cfg.Validate(context.Background()))
	}
}

func TestValidateRejectsBadSettings(t *testing.T) {
	cases := map[string]struct {
		change func(*Config)
		want   []string
	}{
		"relative url":     {func(c *Config) { c.BaseURL = "api.teicor.com" }, []string{`invalid baseURL "api.teicor.com"`, "https://api.teicor.com"}},
		"ftp url":          {func(c *Config) { c.BaseURL = "ftp://files.example" }, []string{`invalid baseURL "ftp://files.example"`}},
		"unparsable url":   {func(c *Config) { c.BaseURL = "https://bad host" }, []string{"invalid baseURL", "absolute https URL"}},
		"remote http":      {func(c *Config) { c.BaseURL = "http://teicor.example" }, []string{"plain http", "loopback"}},
		"user info":        {func(c *Config) { c.BaseURL = "https://me:pw@api.teicor.com" }, []string{"user information", "me:xxxxx@"}},
		"zero base delay":  {func(c *Config) { c.RetryBaseDelay = 0 }, []string{`invalid retry.baseDelay "0s"`}},
		"max below base":   {func(c *Config) { c.RetryMaxDelay = time.Millisecond }, []string{`invalid retry.maxDelay "1ms"`, `retry.baseDelay "500ms"`}},
		"jitter above one": {func(c *Config) { c.RetryJitter = 1.5 }, []string{"invalid retry.jitter 1.5", "between 0 and 1"}},
		"negative timeout": {func(c *Config) { c.RequestTimeout = -time.Second }, []string{`invalid requestTimeout "-1s"`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			cfg := validConfig()
			tc.change(&cfg)
			err := cfg.Validate(context.Background())
			is.True(err != nil)
			for _, want := range tc.want {
				is.True(strings.Contains(err.Error(), want)) // the error names the value and the fix
			}
			is.True(!strings.Contains(err.Error(), "SECRET")) // never the token
			is.True(!strings.Contains(err.Error(), ":pw@"))   // never a password in the URL
		})
	}
}

func TestClientOptionsCarrySettings(t *testing.T) {
	is := is.New(t)
	cfg := validConfig()
	opts := cfg.ClientOptions()
	is.Equal(opts.BaseURL, cfg.BaseURL)
	is.Equal(opts.ServiceToken.Reveal(), "tkmkt_SECRET_canary")
	is.Equal(opts.Retry.MaxRetries, 5)
	is.Equal(opts.Retry.Jitter, 0.2)
	is.Equal(opts.HTTPClient.Timeout, time.Minute)
}
