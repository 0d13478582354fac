package teicor_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

const (
	testTeam         = "client-a"
	testApp          = "shopify"
	testServiceToken = "tkmkt_service_secret"
	corePath         = "/api/v1/teams/client-a/apps/shopify"
)

// recordedRequest is one request that the fake API received.
type recordedRequest struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// fakeAPI is an httptest server that serves the core API and the token
// endpoint itself and passes runtime requests (under /runtime/) to a
// handler of the test. It records every request.
type fakeAPI struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []recordedRequest

	tokensIssued atomic.Int32
	// tokenLifetime is the expires_in_seconds of issued tokens.
	tokenLifetime int
	// runtime serves requests under /runtime/.
	runtime http.HandlerFunc
	// core, if set, serves core requests other than get_context.
	core http.HandlerFunc
}

func newFakeAPI(t *testing.T, runtime http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{tokenLifetime: 3600, runtime: runtime}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a client of the fake API with fast retries.
func (f *fakeAPI) client(t *testing.T, mutate ...func(*teicor.Options)) *teicor.Client {
	t.Helper()
	opts := teicor.Options{
		BaseURL:      f.srv.URL,
		TeamSlug:     testTeam,
		AppSlug:      testApp,
		ServiceToken: testServiceToken,
		Retry:        teicor.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
	for _, m := range mutate {
		m(&opts)
	}
	c, err := teicor.New(opts)
	is.New(t).NoErr(err)
	return c
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recordedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body,
	})
	f.mu.Unlock()
	r.Body = io.NopCloser(strings.NewReader(string(body)))

	switch {
	case strings.HasPrefix(r.URL.Path, "/runtime/"):
		f.runtime(w, r)
	case r.URL.Path == "/auth":
		f.issueToken(w, r, body)
	case r.URL.Path == corePath+"/context":
		writeJSON(w, http.StatusOK, map[string]any{
			"team_slug": testTeam, "app_slug": testApp,
			"runtime_url": f.srv.URL + "/runtime/", "auth_url": f.srv.URL + "/auth",
		})
	case f.core != nil:
		f.core(w, r)
	default:
		writeError(w, http.StatusNotFound, "not_found", "no route "+r.URL.Path)
	}
}

func (f *fakeAPI) issueToken(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		Scope string `json:"scope"`
	}
	_ = json.Unmarshal(body, &req)
	n := f.tokensIssued.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{
		"runtime_authority_token": fmt.Sprintf("rt-%s-%d", req.Scope, n),
		"runtime_url":             f.srv.URL + "/runtime/",
		"expires_in_seconds":      f.tokenLifetime,
		"scope":                   req.Scope,
	})
}

// runtimeRequests returns the recorded requests under /runtime/.
func (f *fakeAPI) runtimeRequests() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recordedRequest
	for _, r := range f.requests {
		if strings.HasPrefix(r.Path, "/runtime/") {
			out = append(out, r)
		}
	}
	return out
}

// lastRequest returns the last recorded request.
func (f *fakeAPI) lastRequest() recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[len(f.requests)-1]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeErrorDetails(w, status, code, message, nil)
}

func writeErrorDetails(w http.ResponseWriter, status int, code, message string, details map[string]any) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message, "details": details}})
}

// jsonEqual reports whether two JSON texts encode the same value.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	if want == "" {
		return len(got) == 0
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("request body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("expected body %q is not JSON: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return string(gb) == string(wb)
}
