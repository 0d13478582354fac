package conduitrun_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
)

// generatorPipeline returns a pipeline that writes count generated records
// to the file at outPath with builtin connectors only.
func generatorPipeline(id, outPath string, count int) string {
	return fmt.Sprintf(`version: "2.2"
pipelines:
  - id: %s
    status: running
    connectors:
      - id: gen
        type: source
        plugin: builtin:generator
        settings:
          recordCount: "%d"
          format.type: structured
          format.options.sku: string
          format.options.qty: int
          operations: create
      - id: out
        type: destination
        plugin: builtin:file
        settings:
          path: %s
`, id, count, outPath)
}

// waitLines polls path until it has want lines or the deadline passes, and
// returns the last count seen.
func waitLines(path string, want int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for {
		data, _ := os.ReadFile(path)
		got := bytes.Count(data, []byte("\n"))
		if got >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestStartRunsPipelineToFile(t *testing.T) {
	is := is.New(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")

	c := conduitrun.Start(t, conduitrun.Options{
		ConduitBin: conduitrun.ConduitBinary(t),
		Pipelines:  map[string]string{"gen.yaml": generatorPipeline("gen-to-file", out, 20)},
	})
	c.WaitPipelineRunning("gen-to-file")

	is.Equal(waitLines(out, 20, time.Minute), 20) // records in output file

	records, err := conduitrun.ReadFileRecords(out)
	is.NoErr(err)
	is.Equal(len(records), 20)                      // parsed records
	is.Equal(records[0].Operation, "create")        // generator operation
	is.Equal(records[0].Collection(), "")           // generator sets no collection
	is.True(records[0].Payload.After["sku"] != nil) // structured payload field
	c.Stop()
	is.NoErr(c.ExitError()) // exit after SIGINT
	logs := c.Logs()
	is.True(strings.Contains(logs, "pipeline started")) // captured conduit log
	is.True(!strings.Contains(logs, "\x1b["))           // color codes removed
}

func TestKillAndRestartOnSameDataDir(t *testing.T) {
	is := is.New(t)
	dataDir := t.TempDir()
	out := filepath.Join(t.TempDir(), "out.jsonl")
	opts := conduitrun.Options{
		ConduitBin: conduitrun.ConduitBinary(t),
		Pipelines:  map[string]string{"gen.yaml": generatorPipeline("restart", out, 5)},
		DataDir:    dataDir,
	}

	first := conduitrun.Start(t, opts)
	first.WaitPipelineRunning("restart")
	is.Equal(waitLines(out, 5, time.Minute), 5) // records before the kill
	first.Kill()
	is.True(first.Exited()) // process gone after Kill

	second := conduitrun.Start(t, opts)
	is.True(second.HTTPAddr != "")          // restarted API address
	is.Equal(second.DataDir, first.DataDir) // same state folder
	second.WaitPipelineRunning("restart")
	second.Stop()
}

func TestPipelineStatusUnknownPipeline(t *testing.T) {
	is := is.New(t)
	c := conduitrun.Start(t, conduitrun.Options{ConduitBin: conduitrun.ConduitBinary(t)})

	_, err := c.Process.PipelineStatus(context.Background(), "missing")
	is.True(errors.Is(err, conduitrun.ErrPipelineNotFound)) // 404 maps to the sentinel
}

func TestReadFileRecordsPartialLine(t *testing.T) {
	is := is.New(t)
	path := filepath.Join(t.TempDir(), "out.jsonl")
	content := `{"operation":"snapshot","metadata":{"opencdc.collection":"items"},` +
		`"key":{"id":"rec_1"},"payload":{"before":null,"after":{"qty":3}}}` + "\n" +
		`{"operation":"snap`
	is.NoErr(os.WriteFile(path, []byte(content), 0o600))

	records, err := conduitrun.ReadFileRecords(path)
	is.NoErr(err)
	is.Equal(len(records), 1)                                   // unfinished line left out
	is.Equal(records[0].Collection(), "items")                  // collection metadata
	is.Equal(records[0].KeyField("id"), "rec_1")                // structured key field
	is.Equal(records[0].Payload.After["qty"], json.Number("3")) // numbers keep their text

	missing, err := conduitrun.ReadFileRecords(filepath.Join(t.TempDir(), "absent"))
	is.NoErr(err)
	is.Equal(len(missing), 0) // no output yet
}

func TestLaunchRejectsBadOptions(t *testing.T) {
	conduitBin := conduitrun.ConduitBinary(t)
	tests := []struct {
		name string
		opts conduitrun.Options
	}{
		{"missing binary", conduitrun.Options{DataDir: t.TempDir()}},
		{"missing data dir", conduitrun.Options{ConduitBin: conduitBin}},
		{"nested pipeline name", conduitrun.Options{
			ConduitBin: conduitBin,
			DataDir:    t.TempDir(),
			Pipelines:  map[string]string{"a/b.yaml": ""},
		}},
		{"missing connector", conduitrun.Options{
			ConduitBin:   conduitBin,
			DataDir:      t.TempDir(),
			ConnectorBin: filepath.Join(t.TempDir(), "absent"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			p, err := conduitrun.Launch(context.Background(), tt.opts)
			is.True(err != nil) // launch rejected
			is.Equal(p, nil)    // no process started
		})
	}
}
