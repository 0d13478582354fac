package teicortest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestAuthorityToken(t *testing.T) {
	is := is.New(t)
	c := newClient(t, teicortest.WithTokenLifetime(2*time.Minute))

	resp := c.service(http.MethodPost, c.srv.AuthURL, map[string]any{"scope": "read"})
	bad := c.service(http.MethodPost, c.srv.AuthURL, map[string]any{"scope": "admin"})

	mustStatus(t, resp, http.StatusOK)
	is.Equal(resp.body["scope"], "read")
	is.Equal(resp.body["expires_in_seconds"], float64(120))
	is.Equal(resp.body["runtime_url"], c.srv.RuntimeURL)
	is.True(resp.body["runtime_authority_token"] != "")
	is.Equal(bad.status, http.StatusBadRequest)
}

func TestReadScopeRejectsWrites(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	read := c.authorityToken("read")

	list := c.runtimeWith(read, http.MethodGet, "api/schemas", nil)
	create := c.runtimeWith(read, http.MethodPost, "api/schemas", map[string]any{"name": "x"})

	is.Equal(list.status, http.StatusOK)
	is.Equal(create.status, http.StatusForbidden)
	is.Equal(create.errorCode(), "forbidden")
}

func TestTokenExpiry(t *testing.T) {
	is := is.New(t)
	clock := teicortest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := newClient(t, teicortest.WithClock(clock), teicortest.WithTokenLifetime(time.Minute))

	before := c.runtime(http.MethodGet, "api/schemas", nil)
	clock.Advance(time.Minute)
	after := c.runtime(http.MethodGet, "api/schemas", nil)

	is.Equal(before.status, http.StatusOK)
	is.Equal(after.status, http.StatusUnauthorized)
	is.Equal(after.errorCode(), "token_expired")
}

func TestExpireTokens(t *testing.T) {
	is := is.New(t)
	c := newClient(t)

	c.srv.ExpireTokens()
	expired := c.runtime(http.MethodGet, "api/schemas", nil)
	c.token = c.authorityToken("write")
	fresh := c.runtime(http.MethodGet, "api/schemas", nil)

	is.Equal(expired.status, http.StatusUnauthorized)
	is.Equal(expired.errorCode(), "token_expired")
	is.Equal(fresh.status, http.StatusOK)
	is.Equal(c.srv.TokensIssued(), 2)
}

func TestRuntimeAuthErrors(t *testing.T) {
	is := is.New(t)
	c := newClient(t)

	missing := c.send(http.MethodGet, c.srv.RuntimeURL+"/api/schemas", nil, nil)
	unknown := c.runtimeWith("tkrt_unknown", http.MethodGet, "api/schemas", nil)
	service := c.runtimeWith(c.srv.ServiceToken, http.MethodGet, "api/schemas", nil)

	is.Equal(missing.status, http.StatusUnauthorized)
	is.Equal(missing.errorCode(), "unauthorized")
	is.Equal(unknown.errorCode(), "unauthorized")
	is.Equal(service.status, http.StatusUnauthorized) // the service token is not a runtime token
}

func TestSeparateRuntimeHost(t *testing.T) {
	is := is.New(t)
	c := newClient(t, teicortest.WithSeparateRuntimeHost())

	ctx := c.service(http.MethodGet, c.corePath("/context"), nil)
	onRuntime := c.runtime(http.MethodGet, "api/schemas", nil)
	onCore := c.send(http.MethodGet, c.srv.URL+"/api/schemas", nil, map[string]string{"Authorization": "Bearer " + c.token})

	is.True(c.srv.RuntimeURL != c.srv.URL)
	is.Equal(ctx.body["runtime_url"], c.srv.RuntimeURL)
	is.Equal(ctx.body["auth_url"], c.srv.AuthURL)
	is.Equal(onRuntime.status, http.StatusOK)
	is.Equal(onCore.status, http.StatusNotFound)
}
