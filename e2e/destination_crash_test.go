package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// destCrashKeys is the number of distinct keys in the crash test's
// input: line i has key i mod destCrashKeys, so each key repeats two or
// three times in 50,000 lines.
const destCrashKeys = 20_000

// destCrashColumns are the columns of the table that the crash test
// writes.
func destCrashColumns() []teicortest.ColumnSpec {
	return []teicortest.ColumnSpec{
		{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		{Name: "qty", Type: "number"},
		{Name: "note", Type: "single_line_text"},
	}
}

// destWriteCrashInput writes destRecordCount JSON lines with repeating
// keys and returns the last value of each key. The file source replays
// the same lines after a restart, so the last line of each key is the
// value that must remain in Teicor.
func destWriteCrashInput(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	var b strings.Builder
	last := make(map[string]map[string]any, destCrashKeys)
	for line := range destRecordCount {
		sku := fmt.Sprintf("sku-%05d", line%destCrashKeys)
		note := fmt.Sprintf("line %d", line)
		fmt.Fprintf(&b, `{"sku":%q,"qty":%d,"note":%q}`+"\n", sku, line, note)
		last[sku] = map[string]any{"qty": json.Number(strconv.Itoa(line)), "note": note}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("write source file: %v", err)
	}
	return last
}

// destCrashPipeline returns a pipeline that reads the input with the
// builtin file source and writes it to Teicor. The processors decode each line and drop the file
// source's key, the line number, so that the destination takes the key
// from the payload's sku field.
func destCrashPipeline(srv *teicortest.Server, input string) string {
	return fmt.Sprintf(`version: "2.2"
pipelines:
  - id: dest-crash
    status: running
    processors:
      - id: decode
        plugin: json.decode
        settings:
          field: .Payload.After
      - id: drop-key
        plugin: field.exclude
        settings:
          fields: .Key
    connectors:
      - id: input
        type: source
        plugin: builtin:file
        settings:
          path: %s
      - id: teicor
        type: destination
%s
`, strconv.Quote(input), destTeicorSettings(srv, "dest", "items", "sku",
		`sdk.batch.size: "500"`, "sdk.batch.delay: 50ms", `chunkSize: "100"`))
}

// TestDestinationSurvivesKill kills Conduit with SIGKILL while it writes
// 50,000 records with repeating keys, restarts it on the same data folder
// and checks that Teicor ends with every key once and its last value.
// The input comes from a file, because the generator draws new random
// records for the positions it replays after a restart.
func TestDestinationSurvivesKill(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("dest"))
	ref, err := srv.CreateTable("dest", "items", destCrashColumns()...)
	is.NoErr(err)

	input := filepath.Join(t.TempDir(), "input.jsonl")
	want := destWriteCrashInput(t, input)
	is.Equal(len(want), destCrashKeys) // every key occurs in the input

	// Slow bulk upserts of 100 records keep the run going for about 10s,
	// long enough to kill it in the middle.
	srv.SetLatency(teicortest.RouteBulkUpsert, 20*time.Millisecond)
	opts := destOptions(t, srv, t.TempDir(), map[string]string{"crash.yaml": destCrashPipeline(srv, input)})
	c := conduitrun.Start(t, opts)
	c.WaitPipelineRunning("dest-crash")

	destWaitRequests(t, srv, teicortest.RouteBulkUpsert, 150)
	c.Kill()
	before := srv.Requests(teicortest.RouteBulkUpsert)
	t.Logf("killed conduit after %d bulk upserts, %d rows", before, srv.RowCount(ref.ID))
	is.True(destTableDiff(srv, ref.ID, "sku", []string{"qty", "note"}, want) != "") // the kill came before the end

	srv.SetLatency(teicortest.RouteBulkUpsert, 0)
	c = conduitrun.Start(t, opts)
	c.WaitPipelineRunning("dest-crash")
	destWaitTable(t, srv, ref.ID, "sku", []string{"qty", "note"}, want)
	is.Equal(srv.RowCount(ref.ID), destCrashKeys) // one record per key

	// A run from the start needs 500 bulk upserts of 100 records. Fewer
	// after the restart show that Conduit resumed from a saved position.
	after := srv.Requests(teicortest.RouteBulkUpsert) - before
	t.Logf("%d bulk upserts after the restart", after)
	is.True(after < destRecordCount/100) // resumed from a saved position

	// NOTE: with sdk.batch.size set, a graceful stop of this pipeline waits
	// the 1-minute stop timeout of SDK v0.14.2 for a last position that its
	// batching never reports, so the test ends Conduit with a kill. The data
	// checks above do not depend on how Conduit stops.
	c.Kill()
}

// destWaitRequests polls the emulator until route has received at least n
// requests, and fails the test after destWaitTimeout.
func destWaitRequests(t *testing.T, srv *teicortest.Server, route string, n int) {
	t.Helper()
	deadline := time.Now().Add(destWaitTimeout)
	for srv.Requests(route) < n {
		if time.Now().After(deadline) {
			t.Fatalf("route %s received %d requests after %s, expected %d",
				route, srv.Requests(route), destWaitTimeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
