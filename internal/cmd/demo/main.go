// Command demo runs the Teicor source in a real Conduit against an
// in-process emulator loaded with the demo data, writes every row to a file
// and checks that each table arrived complete.
//
//	go run ./internal/cmd/demo -conduit bin/conduit -connector bin/conduit-connector-teicor
//
// It exits with status 1 when a table's row count differs from the seed
// after the timeout, and 2 when the demo cannot run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// errMismatch marks a run that finished but delivered the wrong rows.
var errMismatch = errors.New("delivered rows differ from the seed")

type options struct {
	conduitBin   string
	connectorBin string
	outDir       string
	timeout      time.Duration
	logLevel     string
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, opts, os.Stdout)
	stop()

	switch {
	case errors.Is(err, errMismatch):
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.StringVar(&o.conduitBin, "conduit", os.Getenv(conduitrun.EnvConduitBin),
		"path of the conduit binary (default $"+conduitrun.EnvConduitBin+"); `make conduit` builds bin/conduit")
	fs.StringVar(&o.connectorBin, "connector", os.Getenv(conduitrun.EnvConnectorBin),
		"path of the connector plugin (default $"+conduitrun.EnvConnectorBin+"); `make build` builds bin/conduit-connector-teicor")
	fs.StringVar(&o.outDir, "out", "", "folder for the output file and Conduit's data (default: a new temporary folder)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "maximum time to wait for every row to arrive")
	fs.StringVar(&o.logLevel, "log-level", "info", "Conduit log level: trace, debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return o, err
	}

	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: every setting is a flag, see -help", fs.Args())
	}
	if o.conduitBin == "" {
		return o, errors.New("missing conduit binary: pass -conduit or run `make demo`")
	}
	if o.connectorBin == "" {
		return o, errors.New("missing connector plugin: pass -connector or run `make demo`")
	}
	if o.timeout <= 0 {
		return o, fmt.Errorf("invalid -timeout %s: must be greater than 0, for example 2m", o.timeout)
	}
	return o, nil
}

// run starts the emulator and Conduit, waits for the rows and prints the
// per-table counts. It stops both before returning.
func run(ctx context.Context, opts options, out io.Writer) error {
	outDir, err := prepareOutDir(opts.outDir)
	if err != nil {
		return err
	}
	outPath := filepath.Join(outDir, "records.jsonl")

	seed := teicortest.DemoSeed()
	srv := teicortest.NewServer(teicortest.WithSeed(seed))
	defer srv.Close()
	fmt.Fprintf(out, "emulator: %s (team %s, app %s)\n", srv.URL, srv.TeamSlug, srv.AppSlug)

	conduit, err := conduitrun.Launch(ctx, conduitrun.Options{
		ConduitBin:   opts.conduitBin,
		ConnectorBin: opts.connectorBin,
		Pipelines:    map[string]string{"demo.yaml": pipelineYAML(srv, outPath)},
		Env:          []string{tokenEnv + "=" + srv.ServiceToken},
		DataDir:      filepath.Join(outDir, "conduit"),
		LogLevel:     opts.logLevel,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "conduit:  http://%s (log %s)\n", conduit.HTTPAddr, conduit.LogPath)

	counts, waitErr := waitForRows(ctx, conduit, outPath, seed.RowCounts(), opts.timeout)
	if state, err := conduit.PipelineStatus(ctx, pipelineID); err == nil {
		fmt.Fprintf(out, "pipeline: %s %s\n", state.Status, state.Error)
	}
	stopErr := conduit.Stop(conduitrun.StopTimeout)
	if waitErr != nil {
		return fmt.Errorf("%w\nconduit log (%s):\n%s", waitErr, conduit.LogPath, conduit.Logs())
	}

	mismatch := printCounts(out, seed.RowCounts(), counts)
	fmt.Fprintf(out, "output:   %s\n", outPath)
	if stopErr != nil {
		return fmt.Errorf("failed to stop conduit: %w", stopErr)
	}
	if mismatch {
		return fmt.Errorf("%w after %s, see %s", errMismatch, opts.timeout, conduit.LogPath)
	}
	return nil
}

func prepareOutDir(dir string) (string, error) {
	if dir == "" {
		created, err := os.MkdirTemp("", "teicor-demo-")
		if err != nil {
			return "", fmt.Errorf("failed to create output folder: %w", err)
		}
		return created, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create output folder %s: %w", dir, err)
	}

	// A reused folder starts empty, because Conduit would otherwise resume
	// from the saved position and the counts would include an older run.
	for _, name := range []string{"records.jsonl", "conduit"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return "", fmt.Errorf("failed to clear %s in %s: %w", name, dir, err)
		}
	}
	return filepath.Abs(dir)
}
