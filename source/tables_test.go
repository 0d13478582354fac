package source

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

var start = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func newFrozen(t *testing.T) (*teicortest.Server, *teicortest.Clock) {
	t.Helper()
	clock := teicortest.NewClock(start)
	srv := teicortest.NewServer(teicortest.WithClock(clock))
	t.Cleanup(srv.Close)
	return srv, clock
}

func TestSnapshotEmitsEveryRowOnce(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 2345)
	src := openSource(t, testConfig(srv), nil)

	got := poll(t, src)

	assertOnce(t, got, rowIDs(srv, ref.ID))
	is.Equal(countOps(got)[opencdc.OperationSnapshot], 2345)
	first := got[0]
	collection, err := first.Metadata.GetCollection()
	is.NoErr(err)
	is.Equal(collection, "items")
	is.Equal(first.Metadata[MetadataTableID], ref.ID)
	payload := first.Payload.After.(opencdc.StructuredData)
	is.Equal(payload["sku"], "sku-000000")
	is.Equal(payload["qty"], int64(0))
}

func TestIncrementalEmitsOnlyChanges(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 10)
	src := openSource(t, testConfig(srv), nil)
	poll(t, src)

	clock.Advance(time.Second)
	ids := rowIDs(srv, ref.ID)
	is.NoErr(srv.UpdateRow(ref.ID, ids[3], map[string]any{"qty": 300}))
	added := insertRows(t, srv, ref.ID, 10, 2)
	got := poll(t, src)

	ops := countOps(got)
	is.Equal(ops[opencdc.OperationUpdate], 1)
	is.Equal(ops[opencdc.OperationCreate], 2)
	assertOnce(t, got, append([]string{ids[3]}, added...))

	clock.Advance(2 * time.Second)
	is.Equal(len(poll(t, src)), 0) // lists the changed table once more, finds no new watermark
	srv.ResetRequests()
	is.Equal(len(poll(t, src)), 0)
	is.Equal(srv.Requests(""), 1) // an idle poll is one definition-gate request
	is.Equal(srv.Requests(teicortest.RouteListTables), 1)
}

func TestOneChangedTableOfMany(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	var refs []teicortest.TableRef
	for i := range 200 {
		refs = append(refs, newTable(t, srv, fmt.Sprintf("t%03d", i), 1))
	}
	src := openSource(t, testConfig(srv), nil)
	is.Equal(len(poll(t, src)), 200)
	clock.Advance(2 * time.Second)
	poll(t, src)

	clock.Advance(time.Second)
	insertRows(t, srv, refs[117].ID, 5, 3)
	srv.ResetRequests()
	got := poll(t, src)

	is.Equal(len(got), 3)
	is.Equal(srv.Requests(teicortest.RouteListTables), 1)
	is.Equal(srv.Requests(teicortest.RouteTableSyncStatus), 1)
	is.Equal(srv.Requests(teicortest.RouteListRecords), 1)
}

func TestRestartFromEveryPosition(t *testing.T) {
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 250)
	cfg := testConfig(srv)
	cfg.PageSize = 40
	all := poll(t, openSource(t, cfg, nil))
	want := rowIDs(srv, ref.ID)
	assertOnce(t, all, want)

	for _, cut := range []int{0, 1, 39, 40, 41, 120, 248, 249} {
		src := openSource(t, cfg, all[cut].Position)
		rest := poll(t, src)
		assertOnce(t, append(append([]opencdc.Record{}, all[:cut+1]...), rest...), want)
	}
}

func TestDeletesDuringReadLoseNothing(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 500)
	ids := rowIDs(srv, ref.ID)
	cfg := testConfig(srv)
	cfg.PageSize = 100

	var pages atomic.Int32
	srv.OnRequest(func(route string) {
		if route != teicortest.RouteListRecords || pages.Add(1) != 3 {
			return
		}
		// Before the third page, delete 150 rows that were already read,
		// so unread rows move below the offset.
		for _, id := range ids[50:200] {
			if err := srv.DeleteRow(ref.ID, id); err != nil {
				t.Errorf("delete row: %v", err)
			}
		}
	})
	got := poll(t, openSource(t, cfg, nil))

	seen := map[string]bool{}
	for _, id := range keys(got) {
		is.True(!seen[id]) // no row twice within one pass
		seen[id] = true
	}
	for _, id := range ids[200:] {
		is.True(seen[id]) // every row that still exists was emitted
	}
}

func TestSharedTimestampAtBoundary(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 5)
	other := newTable(t, srv, "other", 2)
	src := openSource(t, testConfig(srv), nil)
	is.Equal(len(poll(t, src)), 7)

	// The clock stays frozen: these changes share the updated_at of the
	// rows already read and of both tables.
	ids := rowIDs(srv, ref.ID)
	is.NoErr(srv.UpdateRow(ref.ID, ids[1], map[string]any{"qty": 11}))
	added := insertRows(t, srv, other.ID, 2, 1)
	got := poll(t, src)
	assertOnce(t, got, append([]string{ids[1]}, added...))

	is.Equal(len(poll(t, src)), 0) // unchanged rows at the boundary are not emitted again
	clock.Advance(time.Second)
	is.Equal(len(poll(t, src)), 0)
}

func TestRowDatedInTheFuture(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 1)
	src := openSource(t, testConfig(srv), nil)
	poll(t, src)

	clock.Set(start.Add(time.Hour))
	future := insertRows(t, srv, ref.ID, 1, 1)
	clock.Set(start.Add(time.Second))
	is.Equal(keys(poll(t, src)), future)

	clock.Set(start.Add(2 * time.Second))
	later := insertRows(t, srv, ref.ID, 2, 1)
	got := keys(poll(t, src))
	is.True(slices.Contains(got, later[0])) // a change stamped before the future row is not skipped
}

func TestEmptyTableWatermarkAdvances(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "empty", 0)
	src := openSource(t, testConfig(srv), nil)
	is.Equal(len(poll(t, src)), 0)
	mark, ok := src.tables.mark(ref.ID)
	is.True(ok)
	is.True(mark.Watermark != "")

	clock.Advance(time.Second)
	is.NoErr(srv.RenameTable(ref.ID, "still-empty")) // a definition change only
	srv.ResetRequests()
	is.Equal(len(poll(t, src)), 0)
	is.Equal(srv.Requests(teicortest.RouteTableSyncStatus), 1)
	is.Equal(srv.Requests(teicortest.RouteListRecords), 0)
}

func TestTableDeletedBetweenGates(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "doomed", 3)
	keep := newTable(t, srv, "kept", 3)
	src := openSource(t, testConfig(srv), nil)
	poll(t, src)

	clock.Advance(time.Second)
	insertRows(t, srv, ref.ID, 3, 1)
	added := insertRows(t, srv, keep.ID, 3, 1)
	var once atomic.Bool
	srv.OnRequest(func(route string) {
		if route == teicortest.RouteTableSyncStatus && once.CompareAndSwap(false, true) {
			_ = srv.DeleteTable(ref.ID)
		}
	})
	got := poll(t, src)

	is.Equal(keys(got), added)
	_, ok := src.tables.mark(ref.ID)
	is.True(!ok)
}

func TestColumnChangesBetweenPages(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 30)
	cfg := testConfig(srv)
	cfg.PageSize = 10
	var pages atomic.Int32
	var added string
	srv.OnRequest(func(route string) {
		if route != teicortest.RouteListRecords || pages.Add(1) != 2 {
			return
		}
		is.NoErr(srv.DeleteColumn(ref.ID, ref.Columns["qty"]))
		id, err := srv.AddColumn(ref.ID, teicortest.ColumnSpec{Name: "note", Type: "long_text"})
		is.NoErr(err)
		added = id
		rows := rowIDs(srv, ref.ID)
		is.NoErr(srv.UpdateRow(ref.ID, rows[25], map[string]any{"note": "late"}))
	})
	got := poll(t, openSource(t, cfg, nil))

	is.Equal(len(got), 30)
	is.True(added != "")
	last := got[25].Payload.After.(opencdc.StructuredData)
	is.Equal(last["note"], "late") // a column added during the read is picked up
	is.Equal(last["sku"], "sku-000025")
}

func TestUnicodeNamesAndNulls(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ensureSchema(srv, "demo")
	ref, err := srv.CreateTable("demo", "Bücher 📚",
		teicortest.ColumnSpec{Name: "Titel ✍️", Type: "single_line_text"},
		teicortest.ColumnSpec{Name: "tags", Type: "multi_select", Config: map[string]any{"options": []any{"a", "b"}}},
		teicortest.ColumnSpec{Name: "price", Type: "number", Config: map[string]any{"precision": 2}},
		teicortest.ColumnSpec{Name: "seen", Type: "datetime"},
		teicortest.ColumnSpec{Name: "extra", Type: "json"},
	)
	is.NoErr(err)
	_, err = srv.InsertRows(ref.ID,
		map[string]any{
			"Titel ✍️": "Faust", "tags": []any{"a", "b"}, "price": 12.5,
			"seen": "2026-12-04T13:00:00+02:00", "extra": map[string]any{"k": 1},
		},
		map[string]any{"Titel ✍️": nil},
	)
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.Tables = []string{"demo.Bücher 📚"}
	got := poll(t, openSource(t, cfg, nil))

	is.Equal(len(got), 2)
	collection, _ := got[0].Metadata.GetCollection()
	is.Equal(collection, "Bücher 📚")
	full := got[0].Payload.After.(opencdc.StructuredData)
	is.Equal(full["Titel ✍️"], "Faust")
	is.Equal(full["tags"], []any{"a", "b"})
	is.Equal(full["price"], 12.5)
	is.Equal(full["seen"], "2026-12-04T13:00:00+02:00") // times stay text without schema extraction
	is.Equal(full["extra"], `{"k":1}`)
	empty := got[1].Payload.After.(opencdc.StructuredData)
	is.Equal(len(empty), 5) // every column is a field, null when missing
	is.Equal(empty["Titel ✍️"], nil)
	is.Equal(empty["price"], nil)
}

func TestMissingTableInConfig(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	newTable(t, srv, "items", 1)
	cfg := testConfig(srv)
	cfg.Tables = []string{"items", "nope"}
	src := &Source{config: cfg}
	err := src.Open(context.Background(), nil)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `"nope"`))
	is.True(strings.Contains(err.Error(), "demo.items"))
}

func TestBadServiceToken(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	cfg := testConfig(srv)
	cfg.ServiceToken = "tkmkt_wrong_secret_value"
	src := &Source{config: cfg}
	err := src.Open(context.Background(), nil)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "serviceToken"))
	is.True(!strings.Contains(err.Error(), "tkmkt_wrong_secret_value"))
}

func TestCorruptPosition(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	newTable(t, srv, "items", 1)
	src := &Source{config: testConfig(srv)}
	err := src.Open(context.Background(), opencdc.Position("garbage"))
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `invalid position "garbage"`))
}

func TestRateLimitIsRetried(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 20)
	srv.InjectFaults(teicortest.RouteListRecords,
		teicortest.Fault{Status: 429, Code: "rate_limited"},
		teicortest.Fault{Status: 503, Code: "unavailable"},
	)
	got := poll(t, openSource(t, testConfig(srv), nil))
	assertOnce(t, got, rowIDs(srv, ref.ID))
	is.Equal(srv.Requests(teicortest.RouteListRecords), 3) // two faults, then the page
}

func TestNonUTCOffsetsCompareByInstant(t *testing.T) {
	is := is.New(t)
	plus2 := time.Date(2026, 12, 4, 14, 0, 0, 0, time.FixedZone("", 2*3600))
	utc := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	is.Equal(toMicros(plus2), toMicros(utc))
	is.Equal(fromMicros(toMicros(plus2)), utc)
}

func rowIDs(srv *teicortest.Server, tableID string) []string {
	var ids []string
	for _, r := range srv.Rows(tableID) {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestLastReadRowDeletedDuringPass(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 20)
	ids := rowIDs(srv, ref.ID)
	cfg := testConfig(srv)
	cfg.PageSize = 5
	src := openSource(t, cfg, nil)

	ctx := context.Background()
	for src.tables.prog.Pass == nil || src.tables.prog.Pass.Offset < 10 {
		is.NoErr(src.step(ctx))
	}
	deleted := src.tables.prog.Pass.LastID
	is.NoErr(srv.DeleteRow(ref.ID, deleted))
	srv.ResetRequests()
	got := slices.Concat(src.buf, poll(t, src))

	is.True(srv.Requests(teicortest.RouteListRecords) < 10) // the pass ends instead of reading the same page again
	assertOnce(t, got, ids)                                 // every row, including the deleted one read before its deletion
	is.True(slices.Contains(keys(got), deleted))
}

func TestRenamedTableKeepsSyncing(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 3)
	cfg := testConfig(srv)
	cfg.Tables = []string{"items"}
	src := openSource(t, cfg, nil)
	is.Equal(len(poll(t, src)), 3)

	clock.Advance(time.Second)
	is.NoErr(srv.RenameTable(ref.ID, "items_v2"))
	added := insertRows(t, srv, ref.ID, 3, 2)
	got := poll(t, src)

	is.Equal(keys(got), added)
	collection, _ := got[0].Metadata.GetCollection()
	is.Equal(collection, "items_v2")
}

func TestPositionFromOtherWorkspace(t *testing.T) {
	is := is.New(t)
	first, _ := newFrozen(t)
	newTable(t, first, "items", 3)
	all := poll(t, openSource(t, testConfig(first), nil))

	second, _ := newFrozen(t)
	newTable(t, second, "items", 7)
	got := poll(t, openSource(t, testConfig(second), all[2].Position))

	is.Equal(len(got), 7) // a position of another workspace restarts the initial sync
	is.Equal(countOps(got)[opencdc.OperationSnapshot], 7)
}

func TestFullCheckRunsDataGateForEveryTable(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	for i := range 3 {
		newTable(t, srv, fmt.Sprintf("t%d", i), 2)
	}
	cfg := testConfig(srv)
	cfg.FullCheckEvery = 2
	src := openSource(t, cfg, nil)
	is.Equal(len(poll(t, src)), 6)
	clock.Advance(2 * time.Second)
	poll(t, src) // poll 1: the changed tables of the initial second are checked again

	srv.ResetRequests()
	is.Equal(len(poll(t, src)), 0) // poll 2: a full check
	is.Equal(srv.Requests(teicortest.RouteTableSyncStatus), 3)

	srv.ResetRequests()
	is.Equal(len(poll(t, src)), 0) // poll 3: only the definition gate
	is.Equal(srv.Requests(""), 1)
}

func TestInsertsDuringSnapshotAreRead(t *testing.T) {
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 300)
	cfg := testConfig(srv)
	cfg.PageSize = 100
	var pages atomic.Int32
	srv.OnRequest(func(route string) {
		if route == teicortest.RouteListRecords && pages.Add(1) == 2 {
			insertRows(t, srv, ref.ID, 300, 50)
		}
	})
	got := poll(t, openSource(t, cfg, nil))
	assertOnce(t, got, rowIDs(srv, ref.ID)) // rows inserted during the read are part of the snapshot
}
