// Command teicor-emulator serves the Teicor API emulator on a loopback
// address, for demos and end-to-end tests of the connector.
//
//	teicor-emulator -addr 127.0.0.1:8089 -seed demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

type options struct {
	addr             string
	seed             string
	team, app, token string
	tokenLifetime    time.Duration
	granularity      time.Duration
	latency          time.Duration
	readyFile        string
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "teicor-emulator:", err)
		os.Exit(2)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("teicor-emulator", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8089", "listen address; must be a loopback address such as 127.0.0.1:8089 (port 0 picks a free port)")
	fs.StringVar(&o.seed, "seed", "demo", `data to load: "demo", "none" or the path of a JSON seed file`)
	fs.StringVar(&o.team, "team", teicortest.DefaultTeamSlug, "team slug the API accepts")
	fs.StringVar(&o.app, "app", teicortest.DefaultAppSlug, "app slug the API accepts")
	fs.StringVar(&o.token, "token", teicortest.DefaultServiceToken, "service token the API accepts")
	fs.DurationVar(&o.tokenLifetime, "token-lifetime", teicortest.DefaultTokenLifetime, "lifetime of runtime authority tokens")
	fs.DurationVar(&o.granularity, "clock-granularity", time.Microsecond, "truncate every timestamp to this duration, so that changes can share an updated_at")
	fs.DurationVar(&o.latency, "latency", 0, "delay added to every request")
	fs.StringVar(&o.readyFile, "ready-file", "", "write the base URL to this file once listening")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: every setting is a flag, see -help", fs.Args())
	}
	return o, checkLoopback(o.addr)
}

// checkLoopback rejects listen addresses outside the loopback interface,
// because the emulator accepts a fixed test token.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid -addr %q: expected host:port, such as 127.0.0.1:8089", addr)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("invalid -addr %q: the emulator listens only on loopback, use 127.0.0.1 or [::1]", addr)
	}
	return nil
}

func loadSeed(name string) (*teicortest.Seed, error) {
	switch name {
	case "demo":
		return teicortest.DemoSeed(), nil
	case "none", "":
		return nil, nil
	}
	return teicortest.LoadSeed(name)
}

func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	seed, err := loadSeed(o.seed)
	if err != nil {
		return err
	}

	clock := teicortest.NewClock(time.Now())
	clock.SetGranularity(o.granularity)
	clock.Resume()
	opts := []teicortest.Option{
		teicortest.WithAddr(o.addr),
		teicortest.WithCredentials(o.team, o.app, o.token),
		teicortest.WithTokenLifetime(o.tokenLifetime),
		teicortest.WithClock(clock),
		teicortest.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))),
	}
	if seed != nil {
		opts = append(opts, teicortest.WithSeed(seed))
	}
	srv := teicortest.NewUnstartedServer(opts...)
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()
	srv.SetLatency("", o.latency)

	return serveUntilSignal(srv, o, stdout)
}

func serveUntilSignal(srv *teicortest.Server, o options, stdout io.Writer) error {
	fmt.Fprintf(stdout, "Teicor emulator listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "team: %s\napp: %s\n", srv.TeamSlug, srv.AppSlug)
	// The variables that the pipelines in examples/ read.
	fmt.Fprintf(stdout, "export TEICOR_BASE_URL=%s TEICOR_TEAM_SLUG=%s TEICOR_APP_SLUG=%s TEICOR_SERVICE_TOKEN=%s\n",
		srv.URL, srv.TeamSlug, srv.AppSlug, srv.ServiceToken)
	if o.readyFile != "" {
		if err := writeReadyFile(o.readyFile, srv.URL); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	slog.Info("teicor emulator stopping", "signal", context.Cause(ctx))
	return nil
}

// writeReadyFile writes url through a temporary file and a rename, so a
// process that polls the file never reads it half written.
func writeReadyFile(path, url string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(url+"\n"), 0o600); err != nil {
		return fmt.Errorf("write -ready-file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write -ready-file %s: %w", path, err)
	}
	return nil
}
