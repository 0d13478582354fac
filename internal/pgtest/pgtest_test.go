package pgtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/pgtest"
)

func TestStartAcceptsQueries(t *testing.T) {
	is := is.New(t)
	pg := pgtest.Start(t)
	conn := pg.Connect(t)
	ctx := context.Background()

	is.True(strings.HasPrefix(pg.DSN, "postgres://postgres@127.0.0.1:")) // loopback DSN

	var version string
	is.NoErr(conn.QueryRow(ctx, "SHOW server_version").Scan(&version))
	is.True(strings.HasPrefix(version, "15.")) // PostgreSQL 15

	var walLevel string
	is.NoErr(conn.QueryRow(ctx, "SHOW wal_level").Scan(&walLevel))
	is.Equal(walLevel, "logical") // logical replication enabled

	_, err := conn.Exec(ctx, "CREATE TABLE items (sku text PRIMARY KEY, qty int)")
	is.NoErr(err)
	_, err = conn.Exec(ctx, "INSERT INTO items VALUES ('a-1', 3), ('b-2', 5)")
	is.NoErr(err)

	var total int
	is.NoErr(conn.QueryRow(ctx, "SELECT sum(qty) FROM items").Scan(&total))
	is.Equal(total, 8) // rows written and read back
}

func TestStartTwoServersInParallel(t *testing.T) {
	is := is.New(t)
	first := pgtest.Start(t)
	second := pgtest.Start(t)

	is.True(first.Port != second.Port) // each server on its own port
	is.True(first.Dir != second.Dir)   // each server in its own folder

	ctx := context.Background()
	_, err := first.Connect(t).Exec(ctx, "CREATE TABLE only_first (id int)")
	is.NoErr(err)

	var count int
	err = second.Connect(t).QueryRow(ctx,
		"SELECT count(*) FROM pg_tables WHERE tablename = 'only_first'").Scan(&count)
	is.NoErr(err)
	is.Equal(count, 0) // servers do not share data
}
