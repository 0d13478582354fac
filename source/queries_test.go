package source

import (
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func queryConfig(srv *teicortest.Server, queries ...string) Config {
	cfg := testConfig(srv)
	cfg.Tables = nil
	cfg.Queries = queries
	return cfg
}

func newQuery(t *testing.T, srv *teicortest.Server, ref teicortest.TableRef, name string, filter string) string {
	t.Helper()
	def := teicortest.QueryDef{TableID: ref.ID, Columns: []string{ref.Columns["sku"], ref.Columns["qty"]}}
	if filter != "" {
		def.Filter = json.RawMessage(filter)
	}
	id, err := srv.CreateQuery(name, "", def, true)
	if err != nil {
		t.Fatalf("create query: %v", err)
	}
	return id
}

func TestQueryResultSnapshotThenChanges(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 4)
	id := newQuery(t, srv, ref, "big-items", `{"and":[{"column_id":"`+ref.Columns["qty"]+`","op":"gte","value":1}]}`)
	src := openSource(t, queryConfig(srv, "big-items"), nil)

	got := poll(t, src)
	is.Equal(len(got), 3)
	is.Equal(countOps(got)[opencdc.OperationSnapshot], 3)
	collection, _ := got[0].Metadata.GetCollection()
	is.Equal(collection, "big-items")
	is.Equal(got[0].Metadata[MetadataQueryID], id)
	is.Equal(got[0].Key, opencdc.StructuredData{"row": 0})
	is.Equal(got[0].Payload.After.(opencdc.StructuredData)["qty"], int64(1))

	clock.Advance(time.Second)
	rows := rowIDs(srv, ref.ID)
	is.NoErr(srv.DeleteRow(ref.ID, rows[3]))
	is.NoErr(srv.UpdateRow(ref.ID, rows[2], map[string]any{"qty": 0}))
	got = poll(t, src)
	ops := countOps(got)
	is.Equal(ops[opencdc.OperationUpdate], 1) // the one row left
	is.Equal(ops[opencdc.OperationDelete], 2) // rows 1 and 2 are gone

	clock.Advance(2 * time.Second)
	poll(t, src)
	srv.ResetRequests()
	is.Equal(len(poll(t, src)), 0)
	is.Equal(srv.Requests(""), 1) // an idle poll is one definition-gate request
}

func TestQueryRestartRepeatsInterruptedResult(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 5)
	newQuery(t, srv, ref, "all-items", "")
	cfg := queryConfig(srv, "*")
	all := poll(t, openSource(t, cfg, nil))
	is.Equal(len(all), 5)

	again := poll(t, openSource(t, cfg, all[2].Position))
	is.Equal(len(again), 5) // the whole result again, nothing lost
	done := poll(t, openSource(t, cfg, all[4].Position))
	is.Equal(len(done), 0) // the last row's position covers the result
}

func TestQueryDeletedBetweenGates(t *testing.T) {
	is := is.New(t)
	srv, clock := newFrozen(t)
	ref := newTable(t, srv, "items", 2)
	id := newQuery(t, srv, ref, "doomed", "")
	src := openSource(t, queryConfig(srv, "*"), nil)
	poll(t, src)

	clock.Advance(time.Second)
	insertRows(t, srv, ref.ID, 2, 1)
	var once atomic.Bool
	srv.OnRequest(func(route string) {
		if route == teicortest.RouteGetQueryData && once.CompareAndSwap(false, true) {
			_ = srv.DeleteQuery(id)
		}
	})
	is.Equal(len(poll(t, src)), 0)
	_, ok := src.queries.mark(id)
	is.True(!ok)
}

func TestTablesAndQueriesTogether(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref := newTable(t, srv, "items", 3)
	newQuery(t, srv, ref, "all-items", "")
	cfg := testConfig(srv)
	cfg.Queries = []string{"*"}
	got := poll(t, openSource(t, cfg, nil))
	is.Equal(len(got), 6)
	pos, err := ParsePosition(got[5].Position)
	is.NoErr(err)
	is.True(pos.Tables != nil)
	is.True(pos.Queries != nil)
}
