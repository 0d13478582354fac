package destination

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

const testSchema = "shop"

// itemColumns is a table with one column of every type and a unique sku.
var itemColumns = []teicortest.ColumnSpec{
	{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
	{Name: "name", Type: "single_line_text"},
	{Name: "qty", Type: "number"},
	{Name: "price", Type: "number", Config: map[string]any{"precision": 2}},
	{Name: "active", Type: "boolean"},
	{Name: "day", Type: "date"},
	{Name: "at", Type: "datetime"},
	{Name: "color", Type: "single_select", Config: map[string]any{"options": []any{"red", "green"}}},
	{Name: "tags", Type: "multi_select", Config: map[string]any{"options": []any{"new", "sale"}}},
	{Name: "meta", Type: "json"},
	{Name: "email", Type: "email"},
}

// newServer starts an emulator with the schema "shop" and its table
// "items", and returns the table's id.
func newServer(t testing.TB, opts ...teicortest.Option) (*teicortest.Server, string) {
	t.Helper()
	is := is.New(t)
	srv := teicortest.NewServer(opts...)
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema(testSchema))
	ref, err := srv.CreateTable(testSchema, "items", itemColumns...)
	is.NoErr(err)
	return srv, ref.ID
}

// testConfig returns a valid configuration that writes to shop.items on
// srv, with short retry waits.
func testConfig(srv *teicortest.Server) Config {
	format := "opencdc/json"
	cfg := Config{
		Config: config.Config{
			BaseURL:        srv.URL,
			TeamSlug:       srv.TeamSlug,
			AppSlug:        srv.AppSlug,
			ServiceToken:   srv.ServiceToken,
			RetryMax:       5,
			RetryBaseDelay: 10 * time.Millisecond,
			RetryMaxDelay:  50 * time.Millisecond,
			RequestTimeout: 10 * time.Second,
		},
		Table:      "items",
		Schema:     testSchema,
		KeyColumn:  "sku",
		OnConflict: "overwrite",
		ChunkSize:  maxChunkSize,
	}
	cfg.RecordFormat = &format
	return cfg
}

// openDestination validates cfg and opens a destination with it.
func openDestination(t testing.TB, cfg Config) *Destination {
	t.Helper()
	is := is.New(t)
	ctx := context.Background()
	d := &Destination{config: cfg}
	is.NoErr(d.config.Validate(ctx))
	is.NoErr(d.Open(ctx))
	t.Cleanup(func() { _ = d.Teardown(ctx) })
	return d
}

func upsert(key string, after opencdc.StructuredData) opencdc.Record {
	return opencdc.Record{
		Operation: opencdc.OperationCreate,
		Metadata:  opencdc.Metadata{},
		Key:       opencdc.RawData(key),
		Payload:   opencdc.Change{After: after},
	}
}

func remove(key string) opencdc.Record {
	return opencdc.Record{
		Operation: opencdc.OperationDelete,
		Metadata:  opencdc.Metadata{},
		Key:       opencdc.RawData(key),
	}
}

// itemRecords returns count upserts with keys sku-0, sku-1, ... and qty
// equal to the index.
func itemRecords(count int) []opencdc.Record {
	records := make([]opencdc.Record, count)
	for i := range records {
		records[i] = upsert(fmt.Sprintf("sku-%d", i), opencdc.StructuredData{
			"name": fmt.Sprintf("item %d", i),
			"qty":  i,
		})
	}
	return records
}

// rowsBySKU returns the rows of a table keyed by their sku column.
func rowsBySKU(srv *teicortest.Server, tableID string) map[string]map[string]any {
	rows := map[string]map[string]any{}
	for _, row := range srv.Rows(tableID) {
		sku, _ := row.Values["sku"].(string)
		rows[sku] = row.Values
	}
	return rows
}
