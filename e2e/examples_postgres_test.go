package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/pgtest"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// TestExampleTeicorToPostgres runs teicor-to-postgres.yaml with the
// PostgreSQL table that its comment describes. It compares every row after
// the initial copy and after inserts and updates, and checks that deleted
// rows stay, as the example states.
func TestExampleTeicorToPostgres(t *testing.T) {
	is := is.New(t)
	pg := pgtest.Start(t)
	conn := pg.Connect(t)
	_, err := conn.Exec(context.Background(), `CREATE TABLE items (id text PRIMARY KEY, sku text, qty bigint,
		price double precision, active boolean)`)
	is.NoErr(err)

	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("shop"))
	ref, err := srv.CreateTable("shop", "items", itemColumns()...)
	is.NoErr(err)
	insertItems(t, srv, ref.ID, 0, 300)

	env := append(exampleTeicorEnv(srv), "POSTGRES_URL="+pg.DSN)
	c := startExample(t, "teicor-to-postgres.yaml", "teicor-to-postgres", env)
	waitTablesEqual(t, pg, srv, map[string]teicortest.TableRef{"items": ref})

	rows := srv.Rows(ref.ID)
	for _, row := range rows[:5] {
		is.NoErr(srv.DeleteRow(ref.ID, row.ID))
	}
	insertItems(t, srv, ref.ID, 300, 20)
	for _, row := range rows[5:15] {
		is.NoErr(srv.UpdateRow(ref.ID, row.ID, map[string]any{"qty": 12345, "active": nil}))
	}
	waitExample(t, "the inserts and updates in postgres", func() string {
		return copiedItemsDiff(t, conn, srv, ref.ID, 320)
	})
	c.Stop()

	var deleted int
	is.NoErr(conn.QueryRow(context.Background(), "SELECT count(*) FROM items WHERE id = $1", rows[0].ID).Scan(&deleted))
	is.Equal(deleted, 1) // a row deleted in Teicor stays in PostgreSQL
}

// copiedItemsDiff checks that PostgreSQL has count rows and that each row
// of the Teicor table has a PostgreSQL row with the same values, and
// describes the first difference.
func copiedItemsDiff(t *testing.T, conn *pgx.Conn, srv *teicortest.Server, tableID string, count int) string {
	rows, err := conn.Query(context.Background(), "SELECT id, sku, qty, price, active FROM items")
	if err != nil {
		t.Fatalf("failed to read items: %v", err)
	}
	got := map[string]string{}
	for rows.Next() {
		var id, sku string
		var qty *int64
		var price *float64
		var active *bool
		if err := rows.Scan(&id, &sku, &qty, &price, &active); err != nil {
			t.Fatalf("failed to scan item: %v", err)
		}
		got[id] = fmt.Sprintf("%v|%v|%v|%v", sku, deref(qty), deref(price), deref(active))
	}
	rows.Close()

	if len(got) != count {
		return fmt.Sprintf("postgres has %d rows, expected %d", len(got), count)
	}
	for _, row := range srv.Rows(tableID) {
		v := row.Values
		want := fmt.Sprintf("%v|%v|%v|%v", v["sku"], v["qty"], v["price"], v["active"])
		if got[row.ID] != want {
			return fmt.Sprintf("row %s is %q in postgres, %q in teicor", row.ID, got[row.ID], want)
		}
	}
	return ""
}

// TestExamplePostgresToTeicor runs postgres-to-teicor.yaml and compares
// the Teicor table that the destination creates with the PostgreSQL
// table, after the snapshot and after inserts, updates and deletes that
// logical replication delivers.
func TestExamplePostgresToTeicor(t *testing.T) {
	is := is.New(t)
	pg := pgtest.Start(t)
	conn := pg.Connect(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL,
		email text, vip boolean, visits integer)`)
	is.NoErr(err)
	insertCustomers(t, conn, 1, 50)

	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("crm"))

	env := append(exampleTeicorEnv(srv), "POSTGRES_URL="+pg.DSN)
	c := startExample(t, "postgres-to-teicor.yaml", "postgres-to-teicor", env)
	waitExample(t, "the snapshot in crm.customers", func() string {
		return customersDiff(t, conn, srv)
	})

	insertCustomers(t, conn, 51, 5)
	_, err = conn.Exec(ctx, `UPDATE customers SET vip = NOT vip, visits = visits + 100 WHERE id <= 3`)
	is.NoErr(err)
	_, err = conn.Exec(ctx, `DELETE FROM customers WHERE id IN (10, 11)`)
	is.NoErr(err)
	waitExample(t, "the changes in crm.customers", func() string {
		return customersDiff(t, conn, srv)
	})
	c.Stop()
}

func insertCustomers(t *testing.T, conn *pgx.Conn, from, n int) {
	t.Helper()
	for id := from; id < from+n; id++ {
		_, err := conn.Exec(context.Background(),
			`INSERT INTO customers (id, name, email, vip, visits) VALUES ($1, $2, $3, $4, $5)`,
			id, fmt.Sprintf("Customer %d", id), fmt.Sprintf("c%d@example.com", id), id%3 == 0, id*7)
		if err != nil {
			t.Fatalf("failed to insert customer %d: %v", id, err)
		}
	}
}

// customersDiff compares the Teicor table crm.customers with the
// PostgreSQL table customers and describes the first difference.
func customersDiff(t *testing.T, conn *pgx.Conn, srv *teicortest.Server) string {
	tableID, ok := srv.TableID("crm", "customers")
	if !ok {
		return "table crm.customers does not exist"
	}

	rows, err := conn.Query(context.Background(), `SELECT id, name, email, vip, visits FROM customers`)
	if err != nil {
		t.Fatalf("failed to read customers: %v", err)
	}
	want := map[string]string{}
	for rows.Next() {
		var id, visits int
		var name, email string
		var vip bool
		if err := rows.Scan(&id, &name, &email, &vip, &visits); err != nil {
			t.Fatalf("failed to scan customer: %v", err)
		}
		want[fmt.Sprint(id)] = fmt.Sprintf("%s|%s|%t|%d", name, email, vip, visits)
	}
	rows.Close()

	got := map[string]string{}
	for _, row := range srv.Rows(tableID) {
		v := row.Values
		got[fmt.Sprint(v["id"])] = fmt.Sprintf("%v|%v|%v|%v", v["name"], v["email"], v["vip"], v["visits"])
	}
	if len(got) != len(want) {
		return fmt.Sprintf("teicor has %d customers, postgres %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			return fmt.Sprintf("customer %s is %q in teicor, %q in postgres", id, got[id], w)
		}
	}
	return ""
}
