package teicor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestSecretIsRedacted(t *testing.T) {
	is := is.New(t)
	s := teicor.Secret("tkmkt_abc")
	opts := teicor.Options{ServiceToken: s}
	for _, format := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%d"} {
		out := fmt.Sprintf(format, opts)
		is.True(!strings.Contains(out, "tkmkt_abc")) // fmt verb hides the token
		is.True(!strings.Contains(out, "746b6d6b"))  // nor its hex form
	}
	b, err := json.Marshal(map[string]any{"token": s})
	is.NoErr(err)
	is.True(!strings.Contains(string(b), "tkmkt_abc")) // JSON hides the token

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("start", "token", s)
	is.True(!strings.Contains(logs.String(), "tkmkt_abc")) // slog hides the token
	is.True(strings.Contains(logs.String(), "[redacted]"))
	is.Equal(s.Reveal(), "tkmkt_abc")
}

func TestNewValidatesOptions(t *testing.T) {
	valid := teicor.Options{TeamSlug: "client-a", AppSlug: "shopify", ServiceToken: "tkmkt_secret"}
	cases := []struct {
		name   string
		mutate func(*teicor.Options)
		want   string
	}{
		{"missing team", func(o *teicor.Options) { o.TeamSlug = "" }, "missing TeamSlug"},
		{"missing app", func(o *teicor.Options) { o.AppSlug = " " }, "missing AppSlug"},
		{"missing token", func(o *teicor.Options) { o.ServiceToken = "" }, "missing ServiceToken"},
		{"relative base URL", func(o *teicor.Options) { o.BaseURL = "api.teicor.com" }, `invalid BaseURL "api.teicor.com"`},
		{"ftp base URL", func(o *teicor.Options) { o.BaseURL = "ftp://x" }, "invalid BaseURL"},
		{"negative retries", func(o *teicor.Options) { o.Retry.MaxRetries = -1 }, "invalid Retry.MaxRetries -1"},
		{"jitter above 1", func(o *teicor.Options) { o.Retry = teicor.RetryPolicy{Jitter: 2} }, "invalid Retry.Jitter 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			opts := valid
			tc.mutate(&opts)
			_, err := teicor.New(opts)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tc.want))         // names the option
			is.True(!strings.Contains(err.Error(), "tkmkt_secret")) // never the token
		})
	}
	_, err := teicor.New(valid)
	is.New(t).NoErr(err)
}

func TestErrorsNeverContainTokens(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		// A careless server echoes the credentials it received.
		writeError(w, http.StatusUnauthorized, "unauthorized", "bad token")
	})
	f.core = func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "rejected service token")
	}
	c := f.client(t)
	ctx := context.Background()

	_, listErr := c.ListSchemas(ctx)
	_, stateErr := c.GetCoreState(ctx)
	f.srv.Close()
	_, transportErr := c.GetCoreState(ctx)
	for _, err := range []error{listErr, stateErr, transportErr} {
		is.True(err != nil)
		for _, format := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(format, err)
			is.True(!strings.Contains(out, testServiceToken)) // no service token
			is.True(!strings.Contains(out, "rt-read"))        // no authority token
		}
	}
	is.True(errors.Is(listErr, teicor.ErrUnauthorized))
	is.True(errors.Is(stateErr, teicor.ErrUnauthorized))
}

func TestAPIErrorMatchesSentinels(t *testing.T) {
	cases := []struct {
		status int
		want   error
	}{
		{400, teicor.ErrInvalidRequest},
		{401, teicor.ErrUnauthorized},
		{403, teicor.ErrForbidden},
		{404, teicor.ErrNotFound},
		{409, teicor.ErrConflict},
		{413, teicor.ErrPayloadTooLarge},
		{422, teicor.ErrValidation},
		{429, teicor.ErrRateLimited},
		{500, teicor.ErrUnavailable},
		{504, teicor.ErrUnavailable},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			is := is.New(t)
			err := fmt.Errorf("wrapped: %w", &teicor.APIError{StatusCode: tc.status})
			is.True(errors.Is(err, tc.want))
			is.True(!errors.Is(err, teicor.ErrNotFound) || tc.status == 404) // matches no other sentinel
		})
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html>gateway</html>"))
	})
	_, err := f.client(t).GetRecord(context.Background(), "t1", "r1")
	var apiErr *teicor.APIError
	is.True(errors.As(err, &apiErr))
	is.Equal(apiErr.Error(), "teicor: get_record: 404: Not Found")
}
