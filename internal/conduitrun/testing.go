package conduitrun

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// StopTimeout is the time Conduit.Stop waits for a graceful exit.
const StopTimeout = 30 * time.Second

// Conduit is a Conduit process owned by one test. Its methods fail the test
// on errors, and the test's cleanup kills the process if it still runs.
type Conduit struct {
	*Process
	t testing.TB
}

// Binaries returns the absolute paths that CONDUIT_BIN and CONNECTOR_BIN
// name, and fails the test when either is unset.
func Binaries(t testing.TB) (conduitBin, connectorBin string) {
	t.Helper()
	return requireEnvPath(t, EnvConduitBin), requireEnvPath(t, EnvConnectorBin)
}

// ConduitBinary returns the absolute path that CONDUIT_BIN names, and fails
// the test when it is unset.
func ConduitBinary(t testing.TB) string {
	t.Helper()
	return requireEnvPath(t, EnvConduitBin)
}

func requireEnvPath(t testing.TB, name string) string {
	t.Helper()
	path := os.Getenv(name)
	if path == "" {
		t.Fatalf("%s is not set: run `make test`, which builds the binaries and sets it", name)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatalf("invalid %s %q: %v", name, path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("%s %q not found: run `make test` to build it: %v", name, abs, err)
	}
	return abs
}

// Start launches Conduit for test t. It uses a new temporary DataDir unless
// opts sets one, and fails the test if Conduit does not become healthy.
// When the test fails, cleanup prints Conduit's log.
func Start(t testing.TB, opts Options) *Conduit {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}

	p, err := Launch(context.Background(), opts)
	if err != nil {
		t.Fatalf("failed to start conduit: %v", err)
	}

	c := &Conduit{Process: p, t: t}
	t.Cleanup(func() {
		_ = p.Kill()
		if t.Failed() {
			t.Logf("conduit log (%s):\n%s", p.LogPath, p.Logs())
		}
	})
	return c
}

// PipelineStatus returns the state of pipeline id, failing the test when
// the API request fails.
func (c *Conduit) PipelineStatus(id string) PipelineState {
	c.t.Helper()
	state, err := c.Process.PipelineStatus(context.Background(), id)
	if err != nil {
		c.t.Fatalf("%v", err)
	}
	return state
}

// WaitPipelineRunning waits until pipeline id runs, failing the test when
// it is degraded, Conduit exits or the start timeout passes.
func (c *Conduit) WaitPipelineRunning(id string) {
	c.t.Helper()
	if err := c.Process.WaitPipelineRunning(context.Background(), id); err != nil {
		c.t.Fatalf("%v", err)
	}
}

// Kill sends SIGKILL to Conduit and its plugins and waits for the exit.
// Start again with the same DataDir to restart on the saved state.
func (c *Conduit) Kill() {
	c.t.Helper()
	if err := c.Process.Kill(); err != nil {
		c.t.Fatalf("%v", err)
	}
}

// Stop sends SIGINT and waits up to StopTimeout for Conduit to exit,
// failing the test when it exits with an error or has to be killed.
func (c *Conduit) Stop() {
	c.t.Helper()
	if err := c.Process.Stop(StopTimeout); err != nil {
		c.t.Fatalf("%v", err)
	}
}
