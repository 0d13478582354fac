package source

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/config"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// testConfig returns a source configuration for the emulator with the
// defaults that the SDK would fill in.
func testConfig(srv *teicortest.Server) Config {
	return Config{
		Config: config.Config{
			BaseURL:        srv.URL,
			TeamSlug:       srv.TeamSlug,
			AppSlug:        srv.AppSlug,
			ServiceToken:   srv.ServiceToken,
			RetryMax:       3,
			RetryBaseDelay: 10 * time.Millisecond,
			RetryMaxDelay:  50 * time.Millisecond,
			RetryJitter:    0.2,
			RequestTimeout: 10 * time.Second,
		},
		Tables:       []string{"*"},
		PollInterval: time.Millisecond,
		PageSize:     1000,
	}
}

// openSource opens a source with cfg at pos.
func openSource(t *testing.T, cfg Config, pos opencdc.Position) *Source {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	src := &Source{config: cfg}
	is.NoErr(src.config.Validate(ctx))
	is.NoErr(src.Open(ctx, pos))
	t.Cleanup(func() { _ = src.Teardown(ctx) })
	return src
}

// poll runs one whole poll of the source and returns the records it emitted.
// It drives the source step by step, so no timing is involved.
func poll(t *testing.T, src *Source) []opencdc.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if src.phase == phaseWait {
		src.nextPoll = time.Time{}
		if err := src.step(ctx); err != nil {
			t.Fatalf("start poll: %v", err)
		}
	}
	for src.phase != phaseWait {
		if err := src.step(ctx); err != nil {
			t.Fatalf("poll: %v", err)
		}
	}
	out := src.buf
	src.buf = nil
	return out
}

// newTable creates a table with an id, a name and a qty column and n rows.
func newTable(t *testing.T, srv *teicortest.Server, name string, n int) teicortest.TableRef {
	t.Helper()
	ensureSchema(srv, "demo")
	ref, err := srv.CreateTable("demo", name,
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "qty", Type: "number"},
	)
	if err != nil {
		t.Fatalf("create table %s: %v", name, err)
	}
	insertRows(t, srv, ref.ID, 0, n)
	return ref
}

func ensureSchema(srv *teicortest.Server, name string) {
	_ = srv.CreateSchema(name) // an existing schema is fine
}

func insertRows(t *testing.T, srv *teicortest.Server, tableID string, from, n int) []string {
	t.Helper()
	const chunk = 500
	var ids []string
	for start := from; start < from+n; start += chunk {
		var rows []map[string]any
		for i := start; i < min(start+chunk, from+n); i++ {
			rows = append(rows, map[string]any{"sku": fmt.Sprintf("sku-%06d", i), "qty": i})
		}
		got, err := srv.InsertRows(tableID, rows...)
		if err != nil {
			t.Fatalf("insert rows: %v", err)
		}
		ids = append(ids, got...)
	}
	return ids
}

// keys returns the record ids of records, in order.
func keys(records []opencdc.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = fmt.Sprint(r.Key.(opencdc.StructuredData)["id"])
	}
	return out
}

// countOps counts the records per operation.
func countOps(records []opencdc.Record) map[opencdc.Operation]int {
	out := map[opencdc.Operation]int{}
	for _, r := range records {
		out[r.Operation]++
	}
	return out
}

// assertOnce checks that every id of want appears exactly once in got.
func assertOnce(t *testing.T, got []opencdc.Record, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range keys(got) {
		seen[id]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("row %s emitted %d times, expected once", id, seen[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d records, expected %d", len(got), len(want))
	}
}
