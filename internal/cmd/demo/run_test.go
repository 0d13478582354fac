package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
)

func TestRunDeliversDemoSeed(t *testing.T) {
	is := is.New(t)
	conduitBin, connectorBin := conduitrun.Binaries(t)
	outDir := t.TempDir()
	var out bytes.Buffer

	err := run(context.Background(), options{
		conduitBin:   conduitBin,
		connectorBin: connectorBin,
		outDir:       outDir,
		timeout:      2 * time.Minute,
		logLevel:     "info",
	}, &out)
	if err != nil {
		t.Fatalf("demo failed: %v\noutput:\n%s", err, out.String())
	}

	is.True(!strings.Contains(out.String(), "MISMATCH"))         // every table complete
	is.True(strings.Contains(out.String(), "demo.products"))     // per-table line printed
	is.True(strings.Contains(out.String(), "output:   "+outDir)) // output path printed
	_, err = os.Stat(filepath.Join(outDir, "records.jsonl"))
	is.NoErr(err) // records written
}
