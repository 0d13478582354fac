package destination

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"
	"github.com/rs/zerolog"

	"github.com/teicor/conduit-connector-teicor/teicor"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// loggingContext returns a context whose SDK logger writes JSON lines to
// the returned buffer.
func loggingContext() (context.Context, *bytes.Buffer) {
	var buf bytes.Buffer
	logger := zerolog.New(&buf).Level(zerolog.DebugLevel)
	return logger.WithContext(context.Background()), &buf
}

func TestWriteRetriesRateLimit(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))
	srv.InjectFaults(teicortest.RouteBulkUpsert, teicortest.Fault{Status: 429, RetryAfter: time.Second})
	ctx, logs := loggingContext()

	start := time.Now()
	n, err := d.Write(ctx, itemRecords(3))
	is.NoErr(err)
	is.Equal(n, 3)
	is.True(time.Since(start) >= 900*time.Millisecond) // the client waited for Retry-After
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 2)
	is.Equal(srv.RowCount(tableID), 3)

	out := logs.String()
	is.Equal(strings.Count(out, "retrying teicor request"), 1)
	is.True(strings.Contains(out, `"level":"warn"`))
	is.True(strings.Contains(out, `"table_id":"`+tableID+`"`))
	is.True(strings.Contains(out, `"attempt":1`))
	is.True(!strings.Contains(out, srv.ServiceToken)) // the token never reaches the log
}

func TestWriteRetriesUnavailable(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))
	srv.InjectFaults(teicortest.RouteBulkUpsert,
		teicortest.Fault{Status: 503},
		teicortest.Fault{Status: 503},
	)

	n, err := d.Write(context.Background(), itemRecords(3))
	is.NoErr(err)
	is.Equal(n, 3)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 3)
	is.Equal(srv.RowCount(tableID), 3)
}

func TestWriteGivesUpAfterRetries(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.RetryMax = 1
	d := openDestination(t, cfg)
	srv.InjectFaults(teicortest.RouteBulkUpsert, teicortest.Fault{Status: 503}, teicortest.Fault{Status: 503})

	n, err := d.Write(context.Background(), itemRecords(3))
	is.Equal(n, 0)
	is.True(errors.Is(err, teicor.ErrUnavailable))
	is.True(strings.Contains(err.Error(), `bulk upsert of the records at batch positions 0 to 2 into table "items"`))
	is.Equal(srv.RowCount(tableID), 0)
}

func TestWriteRefreshesExpiredToken(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))
	_, err := d.Write(context.Background(), itemRecords(1))
	is.NoErr(err)
	tokens := srv.Requests(teicortest.RouteToken)

	srv.ExpireTokens()
	n, err := d.Write(context.Background(), itemRecords(4))
	is.NoErr(err)
	is.Equal(n, 4)
	is.Equal(srv.Requests(teicortest.RouteToken), tokens+1)
	is.Equal(srv.RowCount(tableID), 4)
}

func TestWriteValidationErrorMidChunk(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := itemRecords(10)
	// The emulator checks email addresses, the connector only that it is
	// text, so Teicor rejects this record inside the bulk request.
	records[6].Payload.After = opencdc.StructuredData{"email": "not an address"}
	n, err := d.Write(context.Background(), records)

	is.Equal(n, 6)
	is.True(errors.Is(err, teicor.ErrValidation))
	msg := err.Error()
	is.True(strings.Contains(msg, `record at batch position 6 (key "sku-6") rejected in table "items"`))
	is.True(strings.Contains(msg, `column "email"`))
	is.True(strings.Contains(msg, `invalid email address "not an address"`))
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 2) // the chunk, then its first six records
	rows := rowsBySKU(srv, tableID)
	is.Equal(len(rows), 6)
	_, landed := rows["sku-5"]
	is.True(landed)
}

func TestWriteValidationErrorSecondChunk(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.ChunkSize = 4
	d := openDestination(t, cfg)

	records := itemRecords(10)
	records[5].Payload.After = opencdc.StructuredData{"email": "bad"}
	n, err := d.Write(context.Background(), records)

	is.Equal(n, 5)
	is.True(strings.Contains(err.Error(), "record at batch position 5"))
	is.Equal(srv.RowCount(tableID), 5)
}

func TestWriteValidationErrorMergedKey(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := []opencdc.Record{
		upsert("a", opencdc.StructuredData{"qty": 1}),
		upsert("b", opencdc.StructuredData{"qty": 2}),
		upsert("a", opencdc.StructuredData{"email": "bad"}),
	}
	n, err := d.Write(context.Background(), records)

	is.Equal(n, 0) // the value of record 0 was merged into the rejected one
	is.True(strings.Contains(err.Error(), `record at batch position 2 (key "a", merged with the records for the same key from batch position 0)`))
	is.Equal(srv.RowCount(tableID), 0)
}

func TestWriteConflictWithExisting(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID, map[string]any{"sku": "sku-2", "qty": 99})
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.OnConflict = "error"
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), itemRecords(4))
	is.Equal(n, 2)
	is.True(errors.Is(err, teicor.ErrConflict))
	is.True(strings.Contains(err.Error(), `record at batch position 2 (key "sku-2") conflicts in table "items"`))
	is.True(strings.Contains(err.Error(), `column "sku": record rec_`))
	rows := rowsBySKU(srv, tableID)
	is.Equal(len(rows), 3)
	is.Equal(rows["sku-2"]["qty"], 99.0) // the existing record is unchanged
}

func TestWriteConflictOnRedelivery(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.OnConflict = "error"
	records := itemRecords(2)
	n, err := openDestination(t, cfg).Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 2)

	// After a restart, Conduit sends the records again.
	n, err = openDestination(t, cfg).Write(context.Background(), records)
	is.Equal(n, 0)
	is.True(errors.Is(err, teicor.ErrConflict))
	msg := err.Error()
	is.True(strings.Contains(msg, `record at batch position 0 (key "sku-0") conflicts in table "items"`))
	is.True(strings.Contains(msg, "redelivers records after a restart"))
	is.True(strings.Contains(msg, "set onConflict to overwrite"))
	is.Equal(srv.RowCount(tableID), 2)
}

func TestWriteConflictInBatch(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.OnConflict = "error"
	d := openDestination(t, cfg)

	records := append(itemRecords(3), upsert("sku-1", opencdc.StructuredData{"qty": 7}))
	n, err := d.Write(context.Background(), records)
	is.Equal(n, 3)
	is.True(errors.Is(err, teicor.ErrConflict))
	is.True(strings.Contains(err.Error(), `record at batch position 3 (key "sku-1") conflicts with the record at batch position 1`))
	is.Equal(srv.RowCount(tableID), 3)
	is.Equal(rowsBySKU(srv, tableID)["sku-1"]["qty"], 1.0)
}

func TestWriteDeleteFailureStopsBatch(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID, map[string]any{"sku": "a"}, map[string]any{"sku": "b"})
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.RetryMax = 0
	d := openDestination(t, cfg)
	srv.InjectFaults(teicortest.RouteDeleteRecord, teicortest.Fault{}, teicortest.Fault{Status: 500})

	n, err := d.Write(context.Background(), []opencdc.Record{remove("a"), remove("b")})
	is.Equal(n, 1)
	is.True(errors.Is(err, teicor.ErrUnavailable))
	is.True(strings.Contains(err.Error(), `record at batch position 1 (key "b")`))
	is.Equal(srv.RowCount(tableID), 1)
}

func TestWriteNumberKeys(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema(testSchema))
	ref, err := srv.CreateTable(testSchema, "counters",
		teicortest.ColumnSpec{Name: "id", Type: "number", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "hits", Type: "number"},
	)
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.Table = "counters"
	cfg.KeyColumn = "id"
	d := openDestination(t, cfg)

	records := []opencdc.Record{
		{
			Operation: opencdc.OperationCreate, Key: opencdc.StructuredData{"id": 1},
			Payload: opencdc.Change{After: opencdc.StructuredData{"hits": 5}},
		},
		upsert("2", opencdc.StructuredData{"hits": 6}),
		upsert("1.0", opencdc.StructuredData{"id": 1, "hits": 7}),
		remove("2"),
	}
	n, err := d.Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 4)
	rows := srv.Rows(ref.ID)
	is.Equal(len(rows), 1)
	is.Equal(rows[0].Values["id"], 1.0)
	is.Equal(rows[0].Values["hits"], 7.0) // raw key "1.0" and number 1 are the same key
}

func TestWriteDeleteRaceNotFound(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID, map[string]any{"sku": "a"})
	is.NoErr(err)
	d := openDestination(t, testConfig(srv))
	srv.InjectFaults(teicortest.RouteDeleteRecord, teicortest.Fault{Status: 404})
	ctx, logs := loggingContext()

	n, err := d.Write(ctx, []opencdc.Record{remove("a")})
	is.NoErr(err)
	is.Equal(n, 1)
	is.True(strings.Contains(logs.String(), "record to delete was already gone"))
	is.True(strings.Contains(logs.String(), `"level":"info"`))
}

func TestWriteSplitsTooLargeChunk(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t, teicortest.WithLimits(teicortest.Limits{MaxBulk: 100}))
	d := openDestination(t, testConfig(srv))
	ctx, logs := loggingContext()

	n, err := d.Write(ctx, itemRecords(300))
	is.NoErr(err)
	is.Equal(n, 300)
	is.Equal(srv.RowCount(tableID), 300)
	// 300 is rejected, each 150 is rejected, and each 75 lands.
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 7)
	is.Equal(strings.Count(logs.String(), "splitting the chunk in two"), 3)
}
