package destination

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestWriteEveryColumnType(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	rec := upsert("sku-1", opencdc.StructuredData{
		"name":   "Lamp 💡",
		"qty":    int64(3),
		"price":  "19.90",
		"active": true,
		"day":    time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		"at":     "2026-12-04T14:31:44.123456+01:00",
		"color":  "green",
		"tags":   []any{"new", "sale"},
		"meta":   map[string]any{"origin": "import"},
		"email":  "ops@example.com",
	})
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)

	row := rowsBySKU(srv, tableID)["sku-1"]
	is.Equal(row["name"], "Lamp 💡")
	is.Equal(row["qty"], 3.0)
	is.Equal(row["price"], 19.9)
	is.Equal(row["active"], true)
	is.Equal(row["day"], "2026-12-04")
	is.Equal(row["at"], "2026-12-04T13:31:44.123456Z")
	is.Equal(row["color"], "green")
	is.Equal(row["tags"], []any{"new", "sale"})
	is.Equal(row["meta"], map[string]any{"origin": "import"})
	is.Equal(row["email"], "ops@example.com")
}

func TestWriteFieldNamesIgnoreCase(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("sku-1", opencdc.StructuredData{"NAME": "desk", "Qty": 2}),
	})
	is.NoErr(err)
	is.Equal(n, 1)
	row := rowsBySKU(srv, tableID)["sku-1"]
	is.Equal(row["name"], "desk")
	is.Equal(row["qty"], 2.0)
}

func TestWriteAmbiguousField(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.AddColumn(tableID, teicortest.ColumnSpec{Name: "Name", Type: "single_line_text"})
	is.NoErr(err)
	d := openDestination(t, testConfig(srv))

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("sku-1", opencdc.StructuredData{"name": "exact match"}),
		upsert("sku-2", opencdc.StructuredData{"NAME": "two columns"}),
	})
	is.Equal(n, 1)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `record at batch position 1 (key "sku-2")`))
	is.True(strings.Contains(err.Error(), `field "NAME" is ambiguous in table "items"`))
	is.True(strings.Contains(err.Error(), `"name", "Name"`))
	is.Equal(srv.RowCount(tableID), 1)
}

func TestWriteRawJSONPayload(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	rec := opencdc.Record{
		Operation: opencdc.OperationSnapshot,
		Key:       opencdc.RawData("sku-9"),
		Payload: opencdc.Change{
			After: opencdc.RawData(`{"name": "chair", "price": 12.25, "tags": ["sale"]}`),
		},
	}
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)
	row := rowsBySKU(srv, tableID)["sku-9"]
	is.Equal(row["name"], "chair")
	is.Equal(row["price"], 12.25)
	is.Equal(row["tags"], []any{"sale"})
}

func TestWriteRejectsRawNonObject(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	d := openDestination(t, testConfig(srv))

	rec := upsert("sku-1", nil)
	rec.Payload.After = opencdc.RawData(`[1, 2]`)
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.Equal(n, 0)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "raw payload is not a JSON object"))
}

func TestWriteTemplateRoutesTwoTables(t *testing.T) {
	is := is.New(t)
	srv, itemsID := newServer(t)
	orders, err := srv.CreateTable(testSchema, "orders",
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "qty", Type: "number"},
	)
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.Table = `{{ index .Metadata "opencdc.collection" }}`
	d := openDestination(t, cfg)

	records := itemRecords(4)
	for i := range records {
		collection := "items"
		if i%2 == 1 {
			collection = "orders"
			records[i].Payload.After = opencdc.StructuredData{"qty": i}
		}
		records[i].Metadata.SetCollection(collection)
	}
	n, err := d.Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 4)

	items := rowsBySKU(srv, itemsID)
	is.Equal(len(items), 2)
	is.Equal(items["sku-0"]["qty"], 0.0)
	is.Equal(items["sku-2"]["qty"], 2.0)
	placed := rowsBySKU(srv, orders.ID)
	is.Equal(len(placed), 2)
	is.Equal(placed["sku-1"]["qty"], 1.0)
	is.Equal(placed["sku-3"]["qty"], 3.0)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 4) // one run per table change
}

func TestWriteDeletes(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID,
		map[string]any{"sku": "keep", "qty": 1},
		map[string]any{"sku": "gone", "qty": 2},
	)
	is.NoErr(err)
	d := openDestination(t, testConfig(srv))

	n, err := d.Write(context.Background(), []opencdc.Record{remove("gone"), remove("never-existed")})
	is.NoErr(err)
	is.Equal(n, 2)
	rows := rowsBySKU(srv, tableID)
	is.Equal(len(rows), 1)
	_, kept := rows["keep"]
	is.True(kept)
	is.Equal(srv.Requests(teicortest.RouteDeleteRecord), 1) // the missing key sends no delete
}

func TestWriteDeleteKeyFromBefore(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID, map[string]any{"sku": "old"})
	is.NoErr(err)
	d := openDestination(t, testConfig(srv))

	rec := opencdc.Record{
		Operation: opencdc.OperationDelete,
		Payload:   opencdc.Change{Before: opencdc.StructuredData{"SKU": "old"}},
	}
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(srv.RowCount(tableID), 0)
}

func TestWriteUpsertThenDeleteKeepsOrder(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := []opencdc.Record{
		upsert("a", opencdc.StructuredData{"qty": 1}),
		remove("a"),
		upsert("a", opencdc.StructuredData{"qty": 3}),
	}
	n, err := d.Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 3)
	is.Equal(rowsBySKU(srv, tableID)["a"]["qty"], 3.0)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 2)
}

func TestWriteCompactsRepeatedKeys(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := []opencdc.Record{
		upsert("a", opencdc.StructuredData{"qty": 1, "name": "first"}),
		upsert("b", opencdc.StructuredData{"qty": 10}),
		upsert("a", opencdc.StructuredData{"qty": 2}),
		upsert("a", opencdc.StructuredData{"qty": 3}),
	}
	n, err := d.Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 4)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 1)
	rows := rowsBySKU(srv, tableID)
	is.Equal(len(rows), 2)
	is.Equal(rows["a"]["qty"], 3.0)      // the last value wins
	is.Equal(rows["a"]["name"], "first") // a field that no later record set stays
	is.Equal(rows["b"]["qty"], 10.0)
}

func TestWriteSkipKeepsFirstRecord(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	_, err := srv.InsertRows(tableID, map[string]any{"sku": "old", "qty": 1})
	is.NoErr(err)
	cfg := testConfig(srv)
	cfg.OnConflict = "skip"
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("old", opencdc.StructuredData{"qty": 5}),
		upsert("new", opencdc.StructuredData{"qty": 6}),
		upsert("new", opencdc.StructuredData{"qty": 7}),
	})
	is.NoErr(err)
	is.Equal(n, 3)
	rows := rowsBySKU(srv, tableID)
	is.Equal(rows["old"]["qty"], 1.0) // the existing record is skipped
	is.Equal(rows["new"]["qty"], 6.0) // Teicor would skip the second record for new
}

func TestWriteChunks(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	n, err := d.Write(context.Background(), itemRecords(1234))
	is.NoErr(err)
	is.Equal(n, 1234)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 3)
	is.Equal(srv.RowCount(tableID), 1234)
}

func TestWriteSmallChunks(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.ChunkSize = 7
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), itemRecords(50))
	is.NoErr(err)
	is.Equal(n, 50)
	is.Equal(srv.Requests(teicortest.RouteBulkUpsert), 8)
	is.Equal(srv.RowCount(tableID), 50)
}

func TestWriteKeySources(t *testing.T) {
	tests := []struct {
		name string
		rec  opencdc.Record
	}{
		{"raw key", upsert("k1", opencdc.StructuredData{"qty": 1})},
		{"structured key column", opencdc.Record{
			Operation: opencdc.OperationUpdate,
			Key:       opencdc.StructuredData{"sku": "k1"},
			Payload:   opencdc.Change{After: opencdc.StructuredData{"qty": 1}},
		}},
		{"structured id", opencdc.Record{
			Operation: opencdc.OperationUpdate,
			Key:       opencdc.StructuredData{"id": "k1"},
			Payload:   opencdc.Change{After: opencdc.StructuredData{"qty": 1}},
		}},
		{"payload only", opencdc.Record{
			Operation: opencdc.OperationCreate,
			Payload:   opencdc.Change{After: opencdc.StructuredData{"sku": "k1", "qty": 1}},
		}},
		{"key and payload agree", upsert("k1", opencdc.StructuredData{"sku": "k1", "qty": 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			srv, tableID := newServer(t)
			d := openDestination(t, testConfig(srv))
			n, err := d.Write(context.Background(), []opencdc.Record{tt.rec})
			is.NoErr(err)
			is.Equal(n, 1)
			is.Equal(rowsBySKU(srv, tableID)["k1"]["qty"], 1.0)
		})
	}
}

func TestWriteRejectsBadKeys(t *testing.T) {
	tests := []struct {
		name string
		rec  opencdc.Record
		want string
	}{
		{
			"key and payload differ",
			upsert("k1", opencdc.StructuredData{"sku": "k2"}),
			`record key k1 and payload value k2 of key column "sku" differ`,
		},
		{
			"no key",
			opencdc.Record{Operation: opencdc.OperationCreate, Payload: opencdc.Change{After: opencdc.StructuredData{"qty": 1}}},
			`missing key: the record has no key and its payload has no field "sku"`,
		},
		{
			"null key",
			opencdc.Record{Operation: opencdc.OperationCreate, Payload: opencdc.Change{After: opencdc.StructuredData{"sku": nil}}},
			`key column "sku" value is null`,
		},
		{
			"delete without key",
			opencdc.Record{Operation: opencdc.OperationDelete},
			`missing key: the delete has no record key and no payload.before field "sku"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			srv, tableID := newServer(t)
			d := openDestination(t, testConfig(srv))
			records := append(itemRecords(2), tt.rec)
			n, err := d.Write(context.Background(), records)
			is.Equal(n, 2)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), "record at batch position 2"))
			is.True(strings.Contains(err.Error(), tt.want))
			is.Equal(srv.RowCount(tableID), 2) // the records before it landed
		})
	}
}

func TestWriteConversionErrorStopsBatch(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := itemRecords(5)
	records[3].Payload.After = opencdc.StructuredData{"price": "cheap"}
	n, err := d.Write(context.Background(), records)
	is.Equal(n, 3)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `record at batch position 3 (key "sku-3")`))
	is.True(strings.Contains(err.Error(), `field "price" does not fit column "price" (number)`))
	is.True(strings.Contains(err.Error(), `string "cheap" is not a number`))
	is.Equal(srv.RowCount(tableID), 3)
}

func TestWriteUnknownField(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	records := itemRecords(2)
	records[1].Payload.After = opencdc.StructuredData{"colour": "red"}
	n, err := d.Write(context.Background(), records)
	is.Equal(n, 1)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `field "colour" matches no column of table "items"`))
	is.True(strings.Contains(err.Error(), `(columns: "sku", "name", "qty", "price"`))
	is.True(strings.Contains(err.Error(), "set autoCreate.columns to true"))
	is.Equal(srv.RowCount(tableID), 1)
}

func TestWriteRefreshesColumns(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	d := openDestination(t, testConfig(srv))

	_, err := d.Write(context.Background(), itemRecords(1))
	is.NoErr(err)
	listed := srv.Requests(teicortest.RouteListColumns)
	_, err = srv.AddColumn(tableID, teicortest.ColumnSpec{Name: "size", Type: "single_line_text"})
	is.NoErr(err)

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("sku-5", opencdc.StructuredData{"size": "XL"}),
		upsert("sku-6", opencdc.StructuredData{"size": "S"}),
	})
	is.NoErr(err)
	is.Equal(n, 2)
	is.Equal(srv.Requests(teicortest.RouteListColumns), listed+1) // one refresh for the new column
	is.Equal(rowsBySKU(srv, tableID)["sku-6"]["size"], "S")
}

func TestWriteUnknownTable(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		want   string
	}{
		{"by name", testSchema, `table "bins" not found in schema "shop" (tables: "items"); create it in Teicor or set autoCreate.table to true`},
		{"by id", "", `table "bins" not found: no table has this id; to write to a table by name, set schema`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			srv, _ := newServer(t)
			cfg := testConfig(srv)
			cfg.Table = "bins"
			cfg.Schema = tt.schema
			d := openDestination(t, cfg)
			n, err := d.Write(context.Background(), itemRecords(1))
			is.Equal(n, 0)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tt.want))
		})
	}
}

func TestWriteTableByID(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.Table = tableID
	cfg.Schema = ""
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), itemRecords(3))
	is.NoErr(err)
	is.Equal(n, 3)
	is.Equal(srv.RowCount(tableID), 3)
}

func TestWriteKeyColumnChecks(t *testing.T) {
	tests := []struct {
		name      string
		keyColumn string
		want      string
	}{
		{"missing", "code", `key column "code" not found in table "items"`},
		{"not unique", "name", `key column "name" in table "items"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			srv, _ := newServer(t)
			cfg := testConfig(srv)
			cfg.KeyColumn = tt.keyColumn
			d := openDestination(t, cfg)
			n, err := d.Write(context.Background(), itemRecords(1))
			is.Equal(n, 0)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tt.want))
		})
	}
}

func TestWriteUnsupportedOperation(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	d := openDestination(t, testConfig(srv))

	rec := upsert("a", opencdc.StructuredData{"qty": 1})
	rec.Operation = opencdc.Operation(42)
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.Equal(n, 0)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "unsupported operation"))
}

func TestWriteTemplateWithoutCollection(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	cfg := testConfig(srv)
	cfg.Table = `{{ index .Metadata "opencdc.collection" }}`
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), itemRecords(1))
	is.Equal(n, 0)
	is.True(strings.Contains(err.Error(), "empty table name: the table setting rendered an empty string"))
}
