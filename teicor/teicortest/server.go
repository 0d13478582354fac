// Package teicortest is an in-memory emulator of the Teicor HTTP API for
// tests, benchmarks and demos. It serves the core API (context, core
// state), the authority token endpoint and the runtime API (schemas,
// tables, columns, records, bulk upsert, sync status, queries) over real
// HTTP on the loopback interface, with the contract's errors, limits and
// change tracking. Admin helpers change the data directly, and fault
// injection makes routes fail, stall or drop connections on demand.
package teicortest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Default limits of the runtime API.
const (
	DefaultMaxBulk           = 500
	DefaultMaxPageSize       = 1000
	DefaultMaxCoreStateBytes = 256 * 1024
)

// Default credentials of a server created without WithCredentials. The
// token is a fixed test value, not a secret.
const (
	DefaultTeamSlug     = "demo-team"
	DefaultAppSlug      = "demo-app"
	DefaultServiceToken = "tkmkt_test_token" //nolint:gosec // the emulator's fixed test token, not a secret
)

// DefaultTokenLifetime is the lifetime of an authority token.
const DefaultTokenLifetime = 15 * time.Minute

// Limits are the size limits of the API. A zero field takes its default.
type Limits struct {
	MaxBulk           int // max records per bulk upsert request, 413 above
	MaxPageSize       int // max records per list page, 400 above
	MaxCoreStateBytes int // max bytes of the merged core state JSON, 413 above
}

type config struct {
	addr            string
	team, app       string
	token           string
	tokenLifetime   time.Duration
	clock           *Clock
	separateRuntime bool
	limits          Limits
	seed            *Seed
	logger          *slog.Logger
}

// Option configures a Server.
type Option func(*config)

// WithAddr sets the listen address of the core API, for example
// "127.0.0.1:8089". The default is "127.0.0.1:0", a free port. Start
// rejects addresses outside the loopback interface.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithCredentials sets the team slug, app slug and service token that the
// server accepts.
func WithCredentials(team, app, token string) Option {
	return func(c *config) { c.team, c.app, c.token = team, app, token }
}

// WithTokenLifetime sets the lifetime of authority tokens.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.tokenLifetime = d }
}

// WithClock makes the server take every timestamp from clock.
func WithClock(clock *Clock) Option { return func(c *config) { c.clock = clock } }

// WithSeparateRuntimeHost serves the runtime API and the authority token
// endpoint on a second listener, so runtime_url and auth_url point at
// another host than the base URL.
func WithSeparateRuntimeHost() Option { return func(c *config) { c.separateRuntime = true } }

// WithLimits overrides the API limits. Zero fields keep their defaults.
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithLogger logs one line per error response (faults included) to
// logger, with the route, status, error code and request id. The default
// is no logging. Tokens are never logged.
func WithLogger(logger *slog.Logger) Option { return func(c *config) { c.logger = logger } }

// WithSeed loads seed into the server before it starts serving.
func WithSeed(seed *Seed) Option { return func(c *config) { c.seed = seed } }

// Server is a running emulator. Its exported fields are set by Start.
type Server struct {
	// URL is the base URL of the core API, without a trailing slash.
	URL string
	// RuntimeURL is the runtime_url that get_context returns.
	RuntimeURL string
	// AuthURL is the auth_url that get_context returns.
	AuthURL string

	TeamSlug, AppSlug, ServiceToken string

	cfg   config
	clock *Clock

	mu   sync.RWMutex // guards the data below
	data *store

	traffic traffic
	tokens  tokenStore

	requestSeq atomic.Uint64
	servers    []*http.Server
	closeOnce  sync.Once
}

// NewServer returns a started server listening on 127.0.0.1. It panics if
// the server cannot start, like httptest.NewServer.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	if err := s.Start(); err != nil {
		panic(fmt.Sprintf("teicortest: %v", err))
	}
	return s
}

// NewUnstartedServer returns a server that serves nothing until Start.
func NewUnstartedServer(opts ...Option) *Server {
	cfg := config{
		addr:          "127.0.0.1:0",
		team:          DefaultTeamSlug,
		app:           DefaultAppSlug,
		token:         DefaultServiceToken,
		tokenLifetime: DefaultTokenLifetime,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	cfg.limits = cfg.limits.withDefaults()
	if cfg.clock == nil {
		cfg.clock = newRealClock()
	}

	s := &Server{
		TeamSlug:     cfg.team,
		AppSlug:      cfg.app,
		ServiceToken: cfg.token,
		cfg:          cfg,
		clock:        cfg.clock,
		data:         newStore(),
	}
	s.tokens.tokens = map[string]*authorityToken{}
	s.traffic.init()
	return s
}

func (l Limits) withDefaults() Limits {
	if l.MaxBulk <= 0 {
		l.MaxBulk = DefaultMaxBulk
	}
	if l.MaxPageSize <= 0 {
		l.MaxPageSize = DefaultMaxPageSize
	}
	if l.MaxCoreStateBytes <= 0 {
		l.MaxCoreStateBytes = DefaultMaxCoreStateBytes
	}
	return l
}

// Start loads the seed, if any, and starts listening.
func (s *Server) Start() error {
	if s.cfg.seed != nil {
		if err := s.Load(s.cfg.seed); err != nil {
			return fmt.Errorf("load seed: %w", err)
		}
	}

	if err := checkLoopback(s.cfg.addr); err != nil {
		return err
	}
	var lc net.ListenConfig
	coreLn, err := lc.Listen(context.Background(), "tcp", s.cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.addr, err)
	}
	s.URL = "http://" + coreLn.Addr().String()

	coreMux := http.NewServeMux()
	s.registerCoreRoutes(coreMux)
	runtimeMux := coreMux
	runtimeBase := s.URL

	if s.cfg.separateRuntime {
		runtimeLn, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			coreLn.Close()
			return fmt.Errorf("listen for the runtime API: %w", err)
		}
		runtimeMux = http.NewServeMux()
		runtimeBase = "http://" + runtimeLn.Addr().String()
		s.serve(runtimeLn, runtimeMux)
	}
	s.registerRuntimeRoutes(runtimeMux)
	s.RuntimeURL = runtimeBase
	s.AuthURL = runtimeBase + authPath(s.TeamSlug, s.AppSlug)

	s.serve(coreLn, coreMux)
	return nil
}

// checkLoopback rejects listen addresses outside the loopback interface,
// because the emulator accepts fixed test credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid listen address %q: expected host:port, such as 127.0.0.1:8089", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("invalid listen address %q: the emulator listens only on loopback, use 127.0.0.1 or [::1]", addr)
	}
	return nil
}

func (s *Server) serve(ln net.Listener, mux *http.ServeMux) {
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go func() {
		err := srv.Serve(ln)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("teicortest: serve %s: %v", ln.Addr(), err))
		}
	}()
}

// Close stops the listeners and closes every open connection.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		for _, srv := range s.servers {
			srv.Close()
		}
	})
}
