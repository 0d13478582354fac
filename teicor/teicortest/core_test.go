package teicortest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestGetContext(t *testing.T) {
	is := is.New(t)
	c := newClient(t)

	resp := c.service(http.MethodGet, c.corePath("/context"), nil)

	mustStatus(t, resp, http.StatusOK)
	is.Equal(resp.body["team_slug"], "demo-team")
	is.Equal(resp.body["app_slug"], "demo-app")
	is.Equal(resp.body["runtime_url"], c.srv.URL)
	is.True(strings.HasPrefix(resp.body["auth_url"].(string), c.srv.URL+"/"))
}

func TestCoreAuthErrors(t *testing.T) {
	c := newClient(t)
	cases := []struct {
		name    string
		headers map[string]string
		path    string
		status  int
		code    string
	}{
		{"no token", map[string]string{"X-Teicor-App-Slug": "demo-app"}, "/api/v1/teams/demo-team/apps/demo-app/context", 401, "unauthorized"},
		{"wrong token", map[string]string{"Authorization": "Bearer tkmkt_other", "X-Teicor-App-Slug": "demo-app"}, "/api/v1/teams/demo-team/apps/demo-app/context", 401, "unauthorized"},
		{"no app slug", map[string]string{"Authorization": "Bearer tkmkt_test_token"}, "/api/v1/teams/demo-team/apps/demo-app/context", 403, "forbidden"},
		{"wrong app slug", map[string]string{"Authorization": "Bearer tkmkt_test_token", "X-Teicor-App-Slug": "x"}, "/api/v1/teams/demo-team/apps/demo-app/context", 403, "forbidden"},
		{"unknown team", map[string]string{"Authorization": "Bearer tkmkt_test_token", "X-Teicor-App-Slug": "demo-app"}, "/api/v1/teams/other/apps/demo-app/context", 404, "not_found"},
		{"unknown path", nil, "/api/v1/nothing", 404, "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			resp := c.send(http.MethodGet, c.srv.URL+tc.path, nil, tc.headers)
			is.Equal(resp.status, tc.status)
			is.Equal(resp.errorCode(), tc.code)
		})
	}
}

func TestResponseHeaders(t *testing.T) {
	is := is.New(t)
	clock := teicortest.NewClock(time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC))
	c := newClient(t, teicortest.WithClock(clock))

	ok := c.service(http.MethodGet, c.corePath("/context"), nil)
	failed := c.runtime(http.MethodGet, "api/tables/nope", nil)

	is.Equal(ok.header.Get("Date"), "Wed, 04 Mar 2026 05:06:07 GMT")
	is.Equal(failed.header.Get("Date"), "Wed, 04 Mar 2026 05:06:07 GMT")
	is.True(ok.header.Get("X-Request-Id") != "")
	is.True(failed.header.Get("X-Request-Id") != ok.header.Get("X-Request-Id"))
	is.Equal(failed.errorCode(), "not_found")
}

func TestCoreStateMergePatch(t *testing.T) {
	is := is.New(t)
	clock := teicortest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC))
	c := newClient(t, teicortest.WithClock(clock))

	first := c.service(http.MethodGet, c.corePath("/core/state"), nil)
	mustStatus(t, first, http.StatusOK)
	is.Equal(first.body["state"], map[string]any{})
	is.Equal(first.body["updated_at"], nil)

	c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{
		"state": map[string]any{"a": 1, "nested": map[string]any{"x": "1", "y": "2"}, "gone": true},
	})
	resp := c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{
		"state": map[string]any{"nested": map[string]any{"y": nil, "z": "3"}, "gone": nil},
	})

	mustStatus(t, resp, http.StatusOK)
	want := map[string]any{"a": float64(1), "nested": map[string]any{"x": "1", "z": "3"}}
	is.Equal(resp.body["state"], want)
	is.Equal(resp.body["updated_at"], "2026-01-02T03:04:05.123456Z")
	is.Equal(c.srv.CoreState()["a"], float64(1))
	got := c.service(http.MethodGet, c.corePath("/core/state"), nil)
	is.Equal(got.body["state"], want)
}

func TestCoreStateErrors(t *testing.T) {
	is := is.New(t)
	c := newClient(t, teicortest.WithLimits(teicortest.Limits{MaxCoreStateBytes: 100}))

	big := c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{
		"state": map[string]any{"blob": strings.Repeat("x", 200)},
	})
	notObject := c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{"state": []int{1}})

	is.Equal(big.status, http.StatusRequestEntityTooLarge)
	is.Equal(big.errorCode(), "payload_too_large")
	is.Equal(len(c.srv.CoreState()), 0) // the rejected patch is not stored
	is.Equal(notObject.status, http.StatusBadRequest)
	is.Equal(notObject.errorCode(), "invalid_request")
}

func TestCoreStateDefaultLimit(t *testing.T) {
	is := is.New(t)
	c := newClient(t)

	under := c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{
		"state": map[string]any{"blob": strings.Repeat("x", 256*1024-20)},
	})
	over := c.service(http.MethodPatch, c.corePath("/core/state"), map[string]any{
		"state": map[string]any{"more": strings.Repeat("x", 100)},
	})

	is.Equal(under.status, http.StatusOK)
	is.Equal(over.status, http.StatusRequestEntityTooLarge)
}

func TestStartRejectsRemoteAddress(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewUnstartedServer(teicortest.WithAddr("0.0.0.0:0"))

	err := srv.Start()

	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "loopback"))
}
