package teicortest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// response is a decoded API response.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

// errorCode returns error.code of an error body, or "".
func (r response) errorCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r response) errorDetails() map[string]any {
	e, _ := r.body["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	return d
}

// client sends raw HTTP requests to an emulator, as the Go client would.
type client struct {
	t     testing.TB
	srv   *teicortest.Server
	token string // authority token for runtime calls
}

func newClient(t *testing.T, opts ...teicortest.Option) *client {
	t.Helper()
	srv := teicortest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c := &client{t: t, srv: srv}
	c.token = c.authorityToken("write")
	return c
}

func (c *client) corePath(suffix string) string {
	return c.srv.URL + "/api/v1/teams/" + c.srv.TeamSlug + "/apps/" + c.srv.AppSlug + suffix
}

func (c *client) authorityToken(scope string) string {
	c.t.Helper()
	resp := c.service(http.MethodPost, c.srv.AuthURL, map[string]any{"scope": scope})
	if resp.status != http.StatusOK {
		c.t.Fatalf("get authority token: status %d, body %v", resp.status, resp.body)
	}
	return resp.body["runtime_authority_token"].(string)
}

// service sends a core API request with the service token.
func (c *client) service(method, fullURL string, body any) response {
	c.t.Helper()
	return c.send(method, fullURL, body, map[string]string{
		"Authorization":     "Bearer " + c.srv.ServiceToken,
		"X-Teicor-App-Slug": c.srv.AppSlug,
	})
}

// runtime sends a runtime API request with the client's authority token.
func (c *client) runtime(method, path string, body any) response {
	c.t.Helper()
	return c.runtimeWith(c.token, method, path, body)
}

func (c *client) runtimeWith(token, method, path string, body any) response {
	c.t.Helper()
	return c.send(method, c.srv.RuntimeURL+"/"+path, body, map[string]string{
		"Authorization": "Bearer " + token,
	})
}

func (c *client) send(method, fullURL string, body any, headers map[string]string) response {
	c.t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatalf("encode request body: %v", err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, fullURL, reader)
	if err != nil {
		c.t.Fatalf("build request %s %s: %v", method, fullURL, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, fullURL, err)
	}
	defer resp.Body.Close()

	out := response{status: resp.StatusCode, header: resp.Header}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read response of %s %s: %v", method, fullURL, err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			c.t.Fatalf("decode response of %s %s: %v: %s", method, fullURL, err, raw)
		}
	}
	return out
}

// mustStatus fails the test unless resp has the status.
func mustStatus(t *testing.T, resp response, status int) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d; body %v", resp.status, status, resp.body)
	}
}

// listQuery builds a query string.
func listQuery(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return "?" + v.Encode()
}

// items returns body[key] as a slice of objects.
func items(t *testing.T, body map[string]any, key string) []map[string]any {
	t.Helper()
	list, ok := body[key].([]any)
	if !ok {
		t.Fatalf("body has no list %q: %v", key, body)
	}
	out := make([]map[string]any, len(list))
	for i, item := range list {
		out[i] = item.(map[string]any)
	}
	return out
}

// newTable creates schema "s" and a table with the columns through the
// admin helpers.
func newTable(t *testing.T, srv *teicortest.Server, cols ...teicortest.ColumnSpec) teicortest.TableRef {
	t.Helper()
	is := is.New(t)
	ref, err := srv.CreateTable("s", "t", cols...)
	is.NoErr(err)
	return ref
}

func colSpec(name, typ string, cfg map[string]any) teicortest.ColumnSpec {
	return teicortest.ColumnSpec{Name: name, Type: typ, Config: cfg}
}
