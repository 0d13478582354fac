package teicortest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Authority token scopes.
const (
	scopeRead  = "read"
	scopeWrite = "write"
)

type authorityToken struct {
	scope     string
	expiresAt time.Time
	revoked   bool
}

type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]*authorityToken
}

func errUnauthorized(code, msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: code, Message: msg}
}

func errForbidden(format string, args ...any) *apiError {
	e := errBadRequest(format, args...)
	e.Status, e.Code = http.StatusForbidden, "forbidden"
	return e
}

func bearerToken(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(token), ok && strings.TrimSpace(token) != ""
}

// checkServiceAuth checks the service token, the app slug header and the
// team and app in the path, if the route has them.
func (s *Server) checkServiceAuth(r *http.Request) error {
	token, ok := bearerToken(r)
	if !ok {
		return errUnauthorized("unauthorized", "missing Authorization header: send Authorization: Bearer <service token>")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.ServiceToken)) != 1 {
		return errUnauthorized("unauthorized", "invalid service token")
	}
	slug := r.Header.Get(headerAppSlug)
	if slug == "" {
		return errForbidden("missing %s header: send the app slug %q", headerAppSlug, s.AppSlug)
	}
	if slug != s.AppSlug {
		return errForbidden("app slug %q in %s does not match the service token's app", slug, headerAppSlug)
	}
	if team := r.PathValue("team"); team != "" && team != s.TeamSlug {
		return errNotFound("team %q not found", team)
	}
	if app := r.PathValue("app"); app != "" && app != s.AppSlug {
		return errNotFound("app %q not found in team %q", app, s.TeamSlug)
	}
	return nil
}

// check validates the authority token of a runtime request: 401
// unauthorized for a missing or unknown token, 401 token_expired for an
// expired or revoked one, 403 forbidden for a read token on a method
// other than GET.
func (ts *tokenStore) check(r *http.Request, now time.Time) error {
	token, ok := bearerToken(r)
	if !ok {
		return errUnauthorized("unauthorized", "missing Authorization header: send Authorization: Bearer <runtime authority token>")
	}

	ts.mu.Lock()
	defer ts.mu.Unlock()

	info, found := ts.tokens[token]
	if !found {
		return errUnauthorized("unauthorized", "unknown runtime authority token: request a new one from auth_url")
	}
	if info.revoked || !now.Before(info.expiresAt) {
		return errUnauthorized("token_expired", "runtime authority token expired: request a new one from auth_url")
	}
	if info.scope == scopeRead && r.Method != http.MethodGet {
		return errForbidden("a read-scope token cannot %s %s: request a token with scope \"write\"", r.Method, r.URL.Path)
	}
	return nil
}

func (ts *tokenStore) issue(scope string, expiresAt time.Time) string {
	buf := make([]byte, 24)
	rand.Read(buf)
	token := "tkrt_" + hex.EncodeToString(buf)

	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens[token] = &authorityToken{scope: scope, expiresAt: expiresAt}
	return token
}

// ExpireTokens makes every authority token issued so far fail with 401
// token_expired. Tokens issued later are valid.
func (s *Server) ExpireTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	for _, info := range s.tokens.tokens {
		info.revoked = true
	}
}

// TokensIssued returns how many authority tokens the server has issued.
func (s *Server) TokensIssued() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return len(s.tokens.tokens)
}

func (s *Server) issueToken(r *http.Request) (int, any, error) {
	var req struct {
		Scope string `json:"scope"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Scope != scopeRead && req.Scope != scopeWrite {
		return 0, nil, errBadRequest("invalid scope %q: use \"read\" or \"write\"", req.Scope)
	}

	lifetime := s.cfg.tokenLifetime
	token := s.tokens.issue(req.Scope, s.clock.Now().Add(lifetime))
	return http.StatusOK, map[string]any{
		"runtime_authority_token": token,
		"runtime_url":             s.RuntimeURL,
		"expires_in_seconds":      int(lifetime / time.Second),
		"scope":                   req.Scope,
	}, nil
}
