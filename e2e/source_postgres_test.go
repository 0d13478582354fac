package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/internal/pgtest"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// itemColumns are the columns of the item tables that the source tests
// stream; the Postgres tables have the same names plus the record id.
func itemColumns() []teicortest.ColumnSpec {
	return []teicortest.ColumnSpec{
		{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		{Name: "qty", Type: "number"},
		{Name: "price", Type: "number", Config: map[string]any{"precision": 2}},
		{Name: "active", Type: "boolean"},
	}
}

func itemRow(i int) map[string]any {
	return map[string]any{
		"sku":    fmt.Sprintf("sku-%06d", i),
		"qty":    i,
		"price":  float64(i%1000) + 0.25,
		"active": i%2 == 0,
	}
}

func teicorSourceSettings(srv *teicortest.Server, tables string) string {
	return fmt.Sprintf(`        plugin: standalone:teicor
        settings:
          baseURL: %s
          teamSlug: %s
          appSlug: %s
          serviceToken: ${TEICOR_SERVICE_TOKEN}
          tables: %q
          pollInterval: 200ms`, srv.URL, srv.TeamSlug, srv.AppSlug, tables)
}

// TestTeicorToPostgres streams two tables into Conduit's builtin postgres
// destination, then a round of inserts and updates, and compares the
// Postgres rows with the emulator's after each step.
func TestTeicorToPostgres(t *testing.T) {
	is := is.New(t)
	pg := pgtest.Start(t)
	conn := pg.Connect(t)
	ctx := context.Background()
	for _, table := range []string{"items", "parts"} {
		_, err := conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE %s (
			id text PRIMARY KEY, sku text, qty bigint, price double precision, active boolean)`, table))
		is.NoErr(err)
	}

	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("shop"))
	refs := map[string]teicortest.TableRef{}
	for i, table := range []string{"items", "parts"} {
		ref, err := srv.CreateTable("shop", table, itemColumns()...)
		is.NoErr(err)
		refs[table] = ref
		insertItems(t, srv, ref.ID, i*10_000, 1500)
	}

	conduitBin, connectorBin := conduitrun.Binaries(t)
	pipeline := fmt.Sprintf(`version: "2.2"
pipelines:
  - id: teicor-to-postgres
    status: running
    connectors:
      - id: teicor
        type: source
%s
      - id: pg
        type: destination
        plugin: builtin:postgres
        settings:
          url: %s
`, teicorSourceSettings(srv, "shop.items,shop.parts"), pg.DSN)
	c := conduitrun.Start(t, conduitrun.Options{
		ConduitBin: conduitBin, ConnectorBin: connectorBin,
		Pipelines: map[string]string{"pipeline.yaml": pipeline},
		Env:       []string{"TEICOR_SERVICE_TOKEN=" + srv.ServiceToken},
	})
	c.WaitPipelineRunning("teicor-to-postgres")

	waitTablesEqual(t, pg, srv, refs)

	for i, table := range []string{"items", "parts"} {
		ref := refs[table]
		insertItems(t, srv, ref.ID, i*10_000+1500, 100)
		for _, row := range srv.Rows(ref.ID)[:40] {
			is.NoErr(srv.UpdateRow(ref.ID, row.ID, map[string]any{"qty": 7, "active": nil}))
		}
	}
	waitTablesEqual(t, pg, srv, refs)
	c.Stop()
}

func insertItems(t *testing.T, srv *teicortest.Server, tableID string, from, n int) {
	t.Helper()
	for start := from; start < from+n; start += 500 {
		var rows []map[string]any
		for i := start; i < min(start+500, from+n); i++ {
			rows = append(rows, itemRow(i))
		}
		if _, err := srv.InsertRows(tableID, rows...); err != nil {
			t.Fatalf("insert rows: %v", err)
		}
	}
}

// waitTablesEqual polls Postgres until every table holds exactly the
// emulator's rows, and fails with the first difference after a deadline.
func waitTablesEqual(t *testing.T, pg *pgtest.Postgres, srv *teicortest.Server, refs map[string]teicortest.TableRef) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		diff := tablesDiff(t, pg, srv, refs)
		if diff == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("postgres does not match the emulator: %s", diff)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tablesDiff(t *testing.T, pg *pgtest.Postgres, srv *teicortest.Server, refs map[string]teicortest.TableRef) string {
	conn := pg.Connect(t)
	defer conn.Close(context.Background())
	for table, ref := range refs {
		want := map[string]string{}
		for _, row := range srv.Rows(ref.ID) {
			want[row.ID] = fmt.Sprintf("%v|%v|%v|%v",
				row.Values["sku"], row.Values["qty"], row.Values["price"], row.Values["active"])
		}
		rows, err := conn.Query(context.Background(),
			fmt.Sprintf("SELECT id, sku, qty, price, active FROM %s", table))
		if err != nil {
			return err.Error()
		}
		got := map[string]string{}
		for rows.Next() {
			var id, sku string
			var qty *int64
			var price *float64
			var active *bool
			if err := rows.Scan(&id, &sku, &qty, &price, &active); err != nil {
				return err.Error()
			}
			got[id] = fmt.Sprintf("%v|%v|%v|%v", sku, deref(qty), deref(price), deref(active))
		}
		rows.Close()
		if len(got) != len(want) {
			return fmt.Sprintf("table %s has %d rows, expected %d", table, len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				return fmt.Sprintf("table %s row %s is %q, expected %q", table, id, got[id], w)
			}
		}
	}
	return ""
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
