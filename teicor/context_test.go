package teicor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestContextRejectsHTTPDowngrade(t *testing.T) {
	is := is.New(t)
	var tokenRequests int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth" {
			tokenRequests++
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"team_slug": testTeam, "app_slug": testApp,
			"runtime_url": "https://127.0.0.1:1/runtime", "auth_url": "http://127.0.0.1:1/auth",
		})
	}))
	t.Cleanup(srv.Close)
	c, err := teicor.New(teicor.Options{
		BaseURL: srv.URL, TeamSlug: testTeam, AppSlug: testApp, ServiceToken: testServiceToken,
		HTTPClient: srv.Client(),
	})
	is.NoErr(err)

	_, err = c.ListSchemas(context.Background())
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `invalid auth_url "http://127.0.0.1:1/auth": must use https like the base URL`))
	is.Equal(tokenRequests, 0) // the service token never went over plain http
}

func TestContextCachedAfterSuccess(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"schemas": []any{}})
	})
	c := f.client(t)
	for range 3 {
		_, err := c.ListSchemas(context.Background())
		is.NoErr(err)
	}
	contextRequests := 0
	f.mu.Lock()
	for _, r := range f.requests {
		if strings.HasSuffix(r.Path, "/context") {
			contextRequests++
		}
	}
	f.mu.Unlock()
	is.Equal(contextRequests, 1)
}

func TestBaseURLTrailingSlash(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, nil)
	c := f.client(t, func(o *teicor.Options) { o.BaseURL = f.srv.URL + "/" })
	_, err := c.GetContext(context.Background())
	is.NoErr(err)
	is.Equal(f.lastRequest().Path, corePath+"/context") // no double slash
}
