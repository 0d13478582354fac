package teicor_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// recordsPerTable collects SyncTables pages by table name.
type recordsPerTable map[string]int

func (r recordsPerTable) onPage(_ context.Context, table teicor.Table, page *teicor.RecordPage) error {
	r[table.Name] += len(page.Records)
	return nil
}

func TestSyncTablesTwoGates(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ctx := context.Background()
	orders, err := srv.CreateTable("app", "orders", teicortest.ColumnSpec{Name: "sku", Type: "single_line_text"})
	is.NoErr(err)
	_, err = srv.CreateTable("app", "customers", teicortest.ColumnSpec{Name: "name", Type: "single_line_text"})
	is.NoErr(err)
	for i := range 25 {
		_, err := srv.InsertRows(orders.ID, map[string]any{"sku": fmt.Sprintf("sku-%d", i)})
		is.NoErr(err)
	}

	// First run: every table is new.
	seen := recordsPerTable{}
	summary, err := c.SyncTables(ctx, teicor.SyncTablesOptions{PageSize: 10, OnPage: seen.onPage})
	is.NoErr(err)
	is.Equal(summary.TablesListed, 2)
	is.Equal(summary.TablesChanged, 2)
	is.Equal(summary.Records, 25)
	is.Equal(summary.Pages, 4) // 10 + 10 + 5 for orders, one empty page for customers
	is.Equal(seen["orders"], 25)
	state := srv.CoreState()
	is.True(state[teicor.StateTablesLastSyncAt] != nil)
	is.True(state[teicor.StateTableWatermarks] != nil)

	// Second run: the definition gate may list the latest table again
	// (updated_since is inclusive), but the data gate skips it.
	srv.ResetRequests()
	summary, err = c.SyncTables(ctx, teicor.SyncTablesOptions{OnPage: seen.onPage})
	is.NoErr(err)
	is.Equal(summary.TablesChanged, 0)
	is.Equal(srv.Requests(teicortest.RouteListRecords), 0) // no heavy reads

	// A changed row passes both gates for its table only.
	_, err = srv.InsertRows(orders.ID, map[string]any{"sku": "sku-new"})
	is.NoErr(err)
	seen = recordsPerTable{}
	summary, err = c.SyncTables(ctx, teicor.SyncTablesOptions{OnPage: seen.onPage})
	is.NoErr(err)
	is.Equal(summary.TablesChanged, 1)
	is.Equal(seen["orders"], 26)
	is.Equal(seen["customers"], 0)
}

func TestSyncTablesKeepsFinishedWatermarksOnError(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ctx := context.Background()
	first, err := srv.CreateTable("app", "first", teicortest.ColumnSpec{Name: "v", Type: "number"})
	is.NoErr(err)
	_, err = srv.CreateTable("app", "second", teicortest.ColumnSpec{Name: "v", Type: "number"})
	is.NoErr(err)

	failure := errors.New("sink unavailable")
	_, err = c.SyncTables(ctx, teicor.SyncTablesOptions{OnPage: func(_ context.Context, table teicor.Table, _ *teicor.RecordPage) error {
		if table.Name == "second" {
			return failure
		}
		return nil
	}})
	is.True(errors.Is(err, failure))
	state := srv.CoreState()
	is.Equal(state[teicor.StateTablesLastSyncAt], nil) // not advanced
	watermarks, _ := state[teicor.StateTableWatermarks].(map[string]any)
	is.True(watermarks[first.ID] != nil) // the finished table keeps its watermark
	is.Equal(len(watermarks), 1)
}

func TestSyncQueriesTwoGates(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ctx := context.Background()
	ref, err := srv.CreateTable("app", "orders", teicortest.ColumnSpec{Name: "sku", Type: "single_line_text"})
	is.NoErr(err)
	_, err = srv.InsertRows(ref.ID, map[string]any{"sku": "a"}, map[string]any{"sku": "b"})
	is.NoErr(err)
	_, err = srv.CreateQuery("All orders", "g1", teicortest.QueryDef{TableID: ref.ID, Columns: []string{ref.Columns["sku"]}}, true)
	is.NoErr(err)

	rows := 0
	onQuery := func(_ context.Context, _ teicor.Query, res *teicor.QueryResult) error {
		rows += len(res.Rows)
		return nil
	}
	summary, err := c.SyncQueries(ctx, teicor.SyncQueriesOptions{IncludeAll: true, OnQuery: onQuery})
	is.NoErr(err)
	is.Equal(summary.QueriesListed, 1)
	is.Equal(summary.QueriesChanged, 1)
	is.Equal(rows, 2)
	is.True(!summary.LastSyncAt.IsZero())

	summary, err = c.SyncQueries(ctx, teicor.SyncQueriesOptions{IncludeAll: true, OnQuery: onQuery})
	is.NoErr(err)
	is.Equal(summary.QueriesChanged, 0) // the data gate reports no change
	is.Equal(rows, 2)

	_, err = srv.InsertRows(ref.ID, map[string]any{"sku": "c"})
	is.NoErr(err)
	summary, err = c.SyncQueries(ctx, teicor.SyncQueriesOptions{IncludeAll: true, OnQuery: onQuery})
	is.NoErr(err)
	is.Equal(summary.QueriesChanged, 1)
	is.Equal(rows, 5) // the full result of 3 rows again
}

func TestSyncLoopsRequireCallbacks(t *testing.T) {
	is := is.New(t)
	_, c := newEmulator(t)
	_, err := c.SyncTables(context.Background(), teicor.SyncTablesOptions{})
	is.True(err != nil)
	_, err = c.SyncQueries(context.Background(), teicor.SyncQueriesOptions{})
	is.True(err != nil)
}

func TestSyncTablesRejectsCorruptState(t *testing.T) {
	is := is.New(t)
	_, c := newEmulator(t)
	ctx := context.Background()
	_, err := c.PatchCoreState(ctx, map[string]any{teicor.StateTablesLastSyncAt: "yesterday"})
	is.NoErr(err)
	_, err = c.SyncTables(ctx, teicor.SyncTablesOptions{OnPage: recordsPerTable{}.onPage})
	is.True(err != nil)
	is.Equal(err.Error(), `teicor: sync tables: invalid core state key "tables_last_sync_at" value "yesterday": `+
		`expected an RFC 3339 timestamp. Remove the key to sync from the start`)
}

// bulkRecords returns n records with unique sku values.
func bulkRecords(ref teicortest.TableRef, n int) []teicor.RecordData {
	records := make([]teicor.RecordData, n)
	for i := range records {
		records[i] = teicor.RecordData{ref.Columns["sku"]: fmt.Sprintf("sku-%04d", i), ref.Columns["qty"]: i}
	}
	return records
}

func newBulkTable(t *testing.T, srv *teicortest.Server) teicortest.TableRef {
	t.Helper()
	ref, err := srv.CreateTable("app", "orders",
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "qty", Type: "number"})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestSyncRecordsBulkChunksAndRetries(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ref := newBulkTable(t, srv)
	srv.InjectFaults(teicortest.RouteBulkUpsert, teicortest.Fault{Status: 503})

	var chunks []teicor.ChunkResult
	summary, err := c.SyncRecordsBulk(context.Background(), ref.ID, bulkRecords(ref, 1200), teicor.BulkOptions{
		OnChunk: func(_ context.Context, r teicor.ChunkResult) error { chunks = append(chunks, r); return nil },
	})
	is.NoErr(err)
	is.Equal(summary.Chunks, 3) // 500 + 500 + 200
	is.Equal(summary.Created, 1200)
	is.Equal(summary.Retries, 1)
	is.Equal(chunks[0].Attempts, 2)
	is.Equal(chunks[2].Records, 200)
	is.Equal(srv.RowCount(ref.ID), 1200)

	// The same records again overwrite instead of duplicating.
	summary, err = c.SyncRecordsBulk(context.Background(), ref.ID, bulkRecords(ref, 1200), teicor.BulkOptions{})
	is.NoErr(err)
	is.Equal(summary.Updated, 1200)
	is.Equal(srv.RowCount(ref.ID), 1200)
}

func TestSyncRecordsBulkResumesFromCheckpoint(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ref := newBulkTable(t, srv)
	ctx := context.Background()
	records := bulkRecords(ref, 1000)
	opts := teicor.BulkOptions{ChunkSize: 100, Retry: teicor.RetryPolicy{MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}

	// After three chunks, the fourth fails twice and so for good.
	var chunksDone int
	opts.OnChunk = func(context.Context, teicor.ChunkResult) error {
		chunksDone++
		if chunksDone == 3 {
			srv.InjectFaults(teicortest.RouteBulkUpsert, teicortest.Fault{Status: 500}, teicortest.Fault{Status: 500})
		}
		return nil
	}
	_, err := c.SyncRecordsBulkWithCheckpoint(ctx, "orders_import", ref.ID, records, opts)
	var chunkErr *teicor.ChunkError
	is.True(errors.As(err, &chunkErr))
	is.Equal(chunkErr.Chunk, 3)
	is.Equal(srv.RowCount(ref.ID), 300)
	next, ok, err := c.GetBulkCheckpoint(ctx, "orders_import")
	is.NoErr(err)
	is.True(ok)
	is.Equal(next, chunkErr.Chunk) // resumes at the failed chunk

	srv.ResetRequests()
	summary, err := c.SyncRecordsBulkWithCheckpoint(ctx, "orders_import", ref.ID, records, opts)
	is.NoErr(err)
	is.Equal(summary.Chunks, 10-next)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 10-next) // finished chunks are not sent again
	is.Equal(srv.RowCount(ref.ID), 1000)
	_, ok, err = c.GetBulkCheckpoint(ctx, "orders_import")
	is.NoErr(err)
	is.True(!ok) // cleared after success
}

func TestSyncRecordsBulkRejectsStaleCheckpoint(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ref := newBulkTable(t, srv)
	ctx := context.Background()
	is.NoErr(c.SaveBulkCheckpoint(ctx, "", 9))

	_, err := c.SyncRecordsBulkWithCheckpoint(ctx, "", ref.ID, bulkRecords(ref, 10), teicor.BulkOptions{})
	is.True(err != nil)
	is.Equal(err.Error(), "teicor: bulk sync of table "+ref.ID+": invalid StartChunk 9: "+
		"10 records fill 1 chunk(s) of 500, so it must be between 0 and 1 (resumed from checkpoint \"bulk_sync_checkpoint\" at chunk 9)")
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 0)
}
