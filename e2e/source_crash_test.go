package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

const crashRows = 20_000

// TestSourceSurvivesKill kills Conduit with SIGKILL in the middle of the
// initial sync of a 20,000-row table, restarts it on the same database and
// checks that every row reaches the file destination. Rows delivered but
// not yet saved as acked before the kill arrive twice; the test reports
// how many.
func TestSourceSurvivesKill(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("shop"))
	ref, err := srv.CreateTable("shop", "items", itemColumns()...)
	is.NoErr(err)
	insertItems(t, srv, ref.ID, 0, crashRows)

	// Slow pages keep the sync running long enough to be interrupted.
	srv.SetLatency(teicortest.RouteListRecords, 20*time.Millisecond)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	const batch = 100
	pipeline := fmt.Sprintf(`version: "2.2"
pipelines:
  - id: teicor-crash
    status: running
    connectors:
      - id: teicor
        type: source
%s
          pageSize: "%d"
      - id: file
        type: destination
        plugin: builtin:file
        settings:
          path: %s
`, teicorSourceSettings(srv, "items"), batch, out)
	conduitBin, connectorBin := conduitrun.Binaries(t)
	opts := conduitrun.Options{
		ConduitBin: conduitBin, ConnectorBin: connectorBin,
		Pipelines: map[string]string{"pipeline.yaml": pipeline},
		Env:       []string{"TEICOR_SERVICE_TOKEN=" + srv.ServiceToken},
		DataDir:   t.TempDir(),
	}
	c := conduitrun.Start(t, opts)
	c.WaitPipelineRunning("teicor-crash")

	before := waitRecords(t, out, crashRows/4)
	c.Kill()
	t.Logf("killed conduit after %d of %d rows", len(before), crashRows)
	is.True(len(before) < crashRows) // the kill came in the middle of the sync

	srv.SetLatency(teicortest.RouteListRecords, 0)
	c = conduitrun.Start(t, opts)
	c.WaitPipelineRunning("teicor-crash")
	records := waitUniqueIDs(t, out, crashRows)
	c.Stop()

	// Conduit v0.14.0 saves acked positions at most once per second, so the
	// rows delivered in the last second before the kill arrive again.
	repeats := len(records) - crashRows
	t.Logf("%d records for %d rows: %d repeats", len(records), crashRows, repeats)
	is.True(repeats < len(before)) // the restart resumed from a saved position, not from the start
	want := map[string]bool{}
	for _, row := range srv.Rows(ref.ID) {
		want[row.ID] = true
	}
	for _, rec := range records {
		is.True(want[fmt.Sprint(rec.KeyField("id"))]) // every record is a row of the table
	}
}

// waitRecords polls the file destination's output until it holds at least
// n records.
func waitRecords(t *testing.T, path string, n int) []conduitrun.FileRecord {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		records, err := conduitrun.ReadFileRecords(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(records) >= n {
			return records
		}
		if time.Now().After(deadline) {
			t.Fatalf("file destination holds %d records after 3 minutes, expected %d", len(records), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitUniqueIDs polls the output until it holds n distinct record ids and
// returns every record in it.
func waitUniqueIDs(t *testing.T, path string, n int) []conduitrun.FileRecord {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		records, err := conduitrun.ReadFileRecords(path)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[any]bool{}
		for _, rec := range records {
			ids[rec.KeyField("id")] = true
		}
		if len(ids) >= n {
			return records
		}
		if time.Now().After(deadline) {
			t.Fatalf("file destination holds %d distinct rows after 3 minutes, expected %d", len(ids), n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
