package destination

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	cschema "github.com/conduitio/conduit-commons/schema"
	"github.com/conduitio/conduit-connector-sdk/schema"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// columnsOf lists the columns of a table through the client, keyed by name.
func columnsOf(t *testing.T, d *Destination, tableID string) map[string]teicor.Column {
	t.Helper()
	cols, err := d.client.ListColumns(context.Background(), tableID)
	if err != nil {
		t.Fatalf("list columns of table %s: %v", tableID, err)
	}
	byName := map[string]teicor.Column{}
	for _, col := range cols {
		byName[col.Name] = col
	}
	return byName
}

func TestAutoCreateTableAndColumns(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	cfg := testConfig(srv)
	cfg.Table = "bins"
	cfg.AutoCreateTable = true
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)

	records := []opencdc.Record{
		upsert("b-1", opencdc.StructuredData{
			"label":    "top shelf",
			"capacity": 12,
			"weight":   2.75,
			"full":     false,
			"checked":  time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
			"tags":     []any{"a", "b"},
			"extra":    map[string]any{"x": 1},
		}),
		upsert("b-2", opencdc.StructuredData{"label": "floor", "capacity": 40}),
	}
	n, err := d.Write(context.Background(), records)
	is.NoErr(err)
	is.Equal(n, 2)

	tableID, ok := srv.TableID(testSchema, "bins")
	is.True(ok)
	cols := columnsOf(t, d, tableID)
	is.Equal(cols["sku"].Type, teicor.ColumnSingleLineText)
	is.True(cols["sku"].Config.Unique)
	is.Equal(cols["label"].Type, teicor.ColumnSingleLineText)
	is.Equal(cols["capacity"].Type, teicor.ColumnNumber)
	is.Equal(cols["capacity"].Config.Precision, 0)
	is.Equal(cols["weight"].Type, teicor.ColumnNumber)
	is.Equal(cols["weight"].Config.Precision, 2)
	is.Equal(cols["full"].Type, teicor.ColumnBoolean)
	is.Equal(cols["checked"].Type, teicor.ColumnDatetime)
	is.Equal(cols["tags"].Type, teicor.ColumnJSON)
	is.Equal(cols["extra"].Type, teicor.ColumnJSON)

	rows := rowsBySKU(srv, tableID)
	is.Equal(len(rows), 2)
	is.Equal(rows["b-1"]["weight"], 2.75)
	is.Equal(rows["b-1"]["tags"], []any{"a", "b"})
	is.Equal(rows["b-2"]["capacity"], 40.0)
}

func TestAutoCreateNumberKeyColumn(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	cfg := testConfig(srv)
	cfg.Table = "counters"
	cfg.KeyColumn = "id"
	cfg.AutoCreateTable = true
	d := openDestination(t, cfg)

	rec := opencdc.Record{
		Operation: opencdc.OperationCreate,
		Key:       opencdc.StructuredData{"id": 7},
	}
	n, err := d.Write(context.Background(), []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)
	tableID, ok := srv.TableID(testSchema, "counters")
	is.True(ok)
	cols := columnsOf(t, d, tableID)
	is.Equal(cols["id"].Type, teicor.ColumnNumber)
	is.True(cols["id"].Config.Unique)
	is.Equal(srv.RowCount(tableID), 1)
}

func TestAutoCreateColumnsOff(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.AutoCreateTable = true
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("a", opencdc.StructuredData{"weight": 1}),
	})
	is.Equal(n, 0)
	is.True(strings.Contains(err.Error(), `field "weight" matches no column of table "items"`))
	is.Equal(len(columnsOf(t, d, tableID)), len(itemColumns))
}

func TestAutoCreateColumnsFromPayloadSchema(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)

	sch, err := schema.Create(ctx, cschema.TypeAvro, "destination-autocreate", []byte(`{
		"type": "record", "name": "item",
		"fields": [
			{"name": "sku", "type": "string"},
			{"name": "size", "type": {"type": "enum", "name": "size", "symbols": ["S", "M", "L"]}},
			{"name": "cost", "type": {"type": "bytes", "logicalType": "decimal", "precision": 8, "scale": 3}},
			{"name": "ratio", "type": ["null", "double"]},
			{"name": "shipped", "type": {"type": "int", "logicalType": "date"}}
		]
	}`))
	is.NoErr(err)
	rec := upsert("a", opencdc.StructuredData{
		"sku":     "a",
		"size":    "M",
		"cost":    big.NewRat(5, 2),
		"ratio":   0.5,
		"shipped": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
	})
	rec.Metadata.SetPayloadSchemaSubject(sch.Subject)
	rec.Metadata.SetPayloadSchemaVersion(sch.Version)

	n, err := d.Write(ctx, []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)
	cols := columnsOf(t, d, tableID)
	is.Equal(cols["size"].Type, teicor.ColumnSingleSelect)
	is.Equal(cols["size"].Config.Options, []string{"S", "M", "L"})
	is.Equal(cols["cost"].Type, teicor.ColumnNumber)
	is.Equal(cols["cost"].Config.Precision, 3)
	is.Equal(cols["ratio"].Type, teicor.ColumnNumber)
	is.Equal(cols["ratio"].Config.Precision, 1)
	is.Equal(cols["shipped"].Type, teicor.ColumnDate)

	row := rowsBySKU(srv, tableID)["a"]
	is.Equal(row["size"], "M")
	is.Equal(row["cost"], 2.5)
	is.Equal(row["shipped"], "2026-12-01")
}

func TestAutoCreateMissingSchemaFallsBack(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)
	ctx, logs := loggingContext()

	rec := upsert("a", opencdc.StructuredData{"note": "x"})
	rec.Metadata.SetPayloadSchemaSubject("no-such-subject")
	rec.Metadata.SetPayloadSchemaVersion(1)
	n, err := d.Write(ctx, []opencdc.Record{rec})
	is.NoErr(err)
	is.Equal(n, 1)
	is.Equal(columnsOf(t, d, tableID)["note"].Type, teicor.ColumnSingleLineText)
	is.True(strings.Contains(logs.String(), "payload schema unavailable"))
}

func TestAutoCreateKeyColumn(t *testing.T) {
	is := is.New(t)
	srv, tableID := newServer(t)
	cfg := testConfig(srv)
	cfg.KeyColumn = "code"
	cfg.AutoCreateColumns = true
	d := openDestination(t, cfg)

	n, err := d.Write(context.Background(), []opencdc.Record{
		upsert("c-1", opencdc.StructuredData{"qty": 4}),
	})
	is.NoErr(err)
	is.Equal(n, 1)
	cols := columnsOf(t, d, tableID)
	is.Equal(cols["code"].Type, teicor.ColumnSingleLineText)
	is.True(cols["code"].Config.Unique)
	rows := srv.Rows(tableID)
	is.Equal(len(rows), 1)
	is.Equal(rows[0].Values["code"], "c-1")
}
