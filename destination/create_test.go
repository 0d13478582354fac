package destination

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// freshConfig writes to the table "fresh", which does not exist yet, with
// autoCreate.table on.
func freshConfig(srv *teicortest.Server) Config {
	cfg := testConfig(srv)
	cfg.Table = "fresh"
	cfg.AutoCreateTable = true
	return cfg
}

// keyRecords returns count upserts with keys k-0, k-1, ... and no fields,
// so they fit a table that has only the key column.
func keyRecords(count int) []opencdc.Record {
	records := make([]opencdc.Record, count)
	for i := range records {
		records[i] = upsert(fmt.Sprintf("k-%d", i), opencdc.StructuredData{})
	}
	return records
}

func TestAutoCreateKeyColumnAfterFailure(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	cfg := freshConfig(srv)
	cfg.RetryMax = 1
	d := openDestination(t, cfg)
	srv.InjectFaults(teicortest.RouteCreateColumn, teicortest.Fault{Status: 503}, teicortest.Fault{Status: 503})

	n, err := d.Write(context.Background(), keyRecords(1))
	is.Equal(n, 0)
	is.True(err != nil) // create_column failed on both attempts
	tableID, ok := srv.TableID(testSchema, "fresh")
	is.True(ok)
	is.Equal(len(columnsOf(t, d, tableID)), 0) // the table exists without its key column

	n, err = d.Write(context.Background(), keyRecords(2))
	is.NoErr(err)
	is.Equal(n, 2)
	is.True(columnsOf(t, d, tableID)["sku"].Config.Unique)
	is.Equal(srv.RowCount(tableID), 2)
}

func TestAutoCreateKeyColumnAfterRestart(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	ref, err := srv.CreateTable(testSchema, "fresh")
	is.NoErr(err)
	d := openDestination(t, freshConfig(srv))

	n, err := d.Write(context.Background(), keyRecords(1))
	is.NoErr(err)
	is.Equal(n, 1)
	is.True(columnsOf(t, d, ref.ID)["sku"].Config.Unique)
}

func TestKeyColumnMissingInEmptyTable(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	_, err := srv.CreateTable(testSchema, "fresh")
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.Table = "fresh"
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), keyRecords(1))
	is.Equal(n, 0)
	msg := err.Error()
	is.True(strings.Contains(msg, `key column "sku" not found in table "fresh"`))
	is.True(strings.Contains(msg, "has no columns"))
	is.True(strings.Contains(msg, "autoCreate.columns"))
	is.True(!strings.Contains(msg, "set keyColumn to one of them"))
}

func TestCreateTableRetriesUnavailable(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	d := openDestination(t, freshConfig(srv))
	srv.InjectFaults(teicortest.RouteCreateTable, teicortest.Fault{Status: 503})
	ctx, logs := loggingContext()

	n, err := d.Write(ctx, keyRecords(1))
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(srv.Requests(teicortest.RouteCreateTable), 2)

	out := logs.String()
	is.Equal(strings.Count(out, "retrying teicor create request"), 1)
	is.True(strings.Contains(out, `"operation":"create_table"`))
	is.True(strings.Contains(out, `"table":"fresh"`))
}

func TestCreateColumnRetriesRateLimit(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)
	srv.InjectFaults(teicortest.RouteCreateColumn, teicortest.Fault{Status: 429})
	ctx, logs := loggingContext()

	n, err := d.Write(ctx, []opencdc.Record{upsert("a", opencdc.StructuredData{"note": "x"})})
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(srv.Requests(teicortest.RouteCreateColumn), 2)
	is.Equal(strings.Count(logs.String(), "retrying teicor create request"), 1)
	is.True(strings.Contains(logs.String(), `"table_id":"`+tableID+`"`))
}

// dropAfterCreating makes the first request on route run create on the
// server and then lose its response, as when a connection breaks after
// the server committed a request.
func dropAfterCreating(t *testing.T, srv *teicortest.Server, route string, create func() error) {
	t.Helper()
	srv.InjectFaults(route, teicortest.Fault{Drop: true})
	done := false
	srv.OnRequest(func(r string) {
		if r != route || done {
			return
		}
		done = true
		if err := create(); err != nil {
			t.Errorf("create on the server: %v", err)
		}
	})
}

func TestCreateTableConflictOnRetry(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	d := openDestination(t, freshConfig(srv))
	dropAfterCreating(t, srv, teicortest.RouteCreateTable, func() error {
		_, err := srv.CreateTable(testSchema, "fresh")
		return err
	})

	n, err := d.Write(context.Background(), keyRecords(1))
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(srv.Requests(teicortest.RouteCreateTable), 2) // the retry got 409
	tableID, ok := srv.TableID(testSchema, "fresh")
	is.True(ok)
	is.Equal(srv.RowCount(tableID), 1)
}

func TestCreateColumnConflictOnRetry(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)
	dropAfterCreating(t, srv, teicortest.RouteCreateColumn, func() error {
		_, err := srv.AddColumn(tableID, teicortest.ColumnSpec{Name: "note", Type: "single_line_text"})
		return err
	})

	n, err := d.Write(context.Background(), []opencdc.Record{upsert("a", opencdc.StructuredData{"note": "x"})})
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(srv.Requests(teicortest.RouteCreateColumn), 2) // the retry got 409
	is.Equal(rowsBySKU(srv, tableID)["a"]["note"], "x")
}
