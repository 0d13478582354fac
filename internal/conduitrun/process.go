// Package conduitrun runs a real Conduit binary for tests and demos: it lays
// out a private data folder with the plugin and pipeline files, starts
// `conduit run` on free loopback ports and talks to its HTTP API.
package conduitrun

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Environment variables through which test binaries find the binaries that
// `make test` builds.
const (
	EnvConduitBin   = "CONDUIT_BIN"
	EnvConnectorBin = "CONNECTOR_BIN"
)

// DefaultStartTimeout is the time Launch waits for the HTTP API to report
// healthy, and WaitPipelineRunning for a pipeline to run, when Options sets
// no timeout.
const DefaultStartTimeout = 2 * time.Minute

// Options configures one Conduit process.
type Options struct {
	// ConduitBin is the path of the conduit binary.
	ConduitBin string
	// ConnectorBin is the path of the standalone connector plugin. Empty
	// runs Conduit with builtin connectors only.
	ConnectorBin string
	// Pipelines maps a file name (for example "teicor.yaml") to the YAML
	// pipeline configuration written under that name.
	Pipelines map[string]string
	// Env contains extra KEY=VALUE entries added to the environment of
	// Conduit, for example secrets that pipeline files name as ${KEY}.
	Env []string
	// DataDir is the folder for the database, plugins, pipelines and logs.
	// Pass the DataDir of a killed process to restart on its state.
	DataDir string
	// LogLevel is Conduit's log level: trace, debug, info, warn or error.
	// Empty means info.
	LogLevel string
	// StartTimeout bounds the wait for the HTTP API and for pipelines to
	// run. Zero means DefaultStartTimeout.
	StartTimeout time.Duration
	// Args are extra `conduit run` flags, for example
	// "--pipelines.error-recovery.max-retries=0" so that a failing pipeline
	// turns degraded at once instead of restarting.
	Args []string
}

// Process is a running `conduit run` child process.
type Process struct {
	// HTTPAddr is the host:port of the HTTP API.
	HTTPAddr string
	// GRPCAddr is the host:port of the gRPC API.
	GRPCAddr string
	// DataDir is the folder that contains the database, plugins and pipelines.
	DataDir string
	// LogPath is the file that receives Conduit's stdout and stderr.
	LogPath string

	opts    Options
	cmd     *exec.Cmd
	logFile *os.File
	exited  chan struct{}
	waitErr error
}

// Launch prepares opts.DataDir, starts Conduit and waits until its HTTP API
// reports healthy. On failure the returned error contains Conduit's log.
func Launch(ctx context.Context, opts Options) (*Process, error) {
	if opts.ConduitBin == "" {
		return nil, errors.New("missing conduit binary: set Options.ConduitBin or " + EnvConduitBin)
	}
	if opts.DataDir == "" {
		return nil, errors.New("missing data folder: set Options.DataDir")
	}

	// Conduit runs in DataDir, so relative paths would point elsewhere.
	var err error
	if opts.ConduitBin, err = filepath.Abs(opts.ConduitBin); err != nil {
		return nil, fmt.Errorf("invalid conduit binary path %q: %w", opts.ConduitBin, err)
	}
	if opts.DataDir, err = filepath.Abs(opts.DataDir); err != nil {
		return nil, fmt.Errorf("invalid data folder %q: %w", opts.DataDir, err)
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.LogLevel == "" {
		opts.LogLevel = "info"
	}
	if err := prepareDataDir(opts); err != nil {
		return nil, err
	}

	for attempt := 1; attempt <= maxPortAttempts; attempt++ {
		var p *Process
		p, err = startAndWait(ctx, opts)
		if err == nil {
			return p, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
	}
	return nil, err
}

// maxPortAttempts is the number of starts Launch makes when another process
// takes a chosen port before Conduit binds it.
const maxPortAttempts = 3

func startAndWait(ctx context.Context, opts Options) (*Process, error) {
	p, err := startProcess(opts)
	if err != nil {
		return nil, err
	}

	waitCtx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	if err := p.waitHealthy(waitCtx); err != nil {
		_ = p.Kill()
		return nil, fmt.Errorf("conduit did not become healthy on %s: %w\n%s", p.HTTPAddr, err, p.Logs())
	}
	return p, nil
}

// prepareDataDir creates the folder layout and writes the plugin link and
// pipeline files. Pipeline files from an earlier run are replaced.
func prepareDataDir(opts Options) error {
	for _, sub := range []string{"connectors", "processors", "pipelines"} {
		if err := os.MkdirAll(filepath.Join(opts.DataDir, sub), 0o755); err != nil {
			return fmt.Errorf("failed to create %s folder: %w", sub, err)
		}
	}

	if opts.ConnectorBin != "" {
		if err := linkPlugin(opts.ConnectorBin, filepath.Join(opts.DataDir, "connectors")); err != nil {
			return err
		}
	}

	for name, yaml := range opts.Pipelines {
		if name != filepath.Base(name) || !strings.HasSuffix(name, ".yaml") {
			return fmt.Errorf("invalid pipeline file name %q: use a plain file name ending in .yaml", name)
		}
		path := filepath.Join(opts.DataDir, "pipelines", name)
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			return fmt.Errorf("failed to write pipeline file %s: %w", path, err)
		}
	}
	return nil
}

// linkPlugin places the plugin in dir as a symbolic link, or as a copy
// where the file system does not support links.
func linkPlugin(bin, dir string) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return fmt.Errorf("failed to resolve connector binary %q: %w", bin, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("connector binary %q not found, build it with `make build`: %w", bin, err)
	}

	dst := filepath.Join(dir, filepath.Base(abs))
	_ = os.Remove(dst)
	if err := os.Symlink(abs, dst); err == nil {
		return nil
	}

	data, err := os.ReadFile(abs)
	if err != nil {
		return fmt.Errorf("failed to read connector binary %q: %w", abs, err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		return fmt.Errorf("failed to copy connector binary to %s: %w", dst, err)
	}
	return nil
}

// startProcess picks free ports and starts Conduit in its own process
// group, so that Kill also ends the connector plugins it spawned.
func startProcess(opts Options) (*Process, error) {
	httpAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	grpcAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}

	logFile, err := os.CreateTemp(opts.DataDir, "conduit-*.log")
	if err != nil {
		return nil, fmt.Errorf("failed to create conduit log file: %w", err)
	}

	args := append([]string{
		"run",
		"--api.http.address=" + httpAddr,
		"--api.grpc.address=" + grpcAddr,
		"--db.type=badger",
		"--db.badger.path=" + filepath.Join(opts.DataDir, "db"),
		"--connectors.path=" + filepath.Join(opts.DataDir, "connectors"),
		"--processors.path=" + filepath.Join(opts.DataDir, "processors"),
		"--pipelines.path=" + filepath.Join(opts.DataDir, "pipelines"),
		"--config.path=" + filepath.Join(opts.DataDir, "conduit.yaml"),
		"--log.level=" + opts.LogLevel,
		"--log.format=cli",
	}, opts.Args...)
	cmd := exec.Command(opts.ConduitBin, args...) //nolint:noctx // Conduit outlives Launch, and Kill or Stop end it
	cmd.Dir = opts.DataDir
	cmd.Env = append(os.Environ(), opts.Env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("failed to start %s: %w", opts.ConduitBin, err)
	}

	p := &Process{
		HTTPAddr: httpAddr,
		GRPCAddr: grpcAddr,
		DataDir:  opts.DataDir,
		LogPath:  logFile.Name(),
		opts:     opts,
		cmd:      cmd,
		logFile:  logFile,
		exited:   make(chan struct{}),
	}
	go p.wait()
	return p, nil
}

func (p *Process) wait() {
	p.waitErr = p.cmd.Wait()
	_ = p.logFile.Close()
	close(p.exited)
}

// freeLoopbackAddr returns a 127.0.0.1 address whose port was free a moment
// ago. Another process may take the port before Conduit binds it, so Launch
// retries when Conduit's log reports "address already in use".
func freeLoopbackAddr() (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("failed to find a free loopback port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("failed to release port %s: %w", addr, err)
	}
	return addr, nil
}
