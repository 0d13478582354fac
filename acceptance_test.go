package connector

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"
	"go.uber.org/goleak"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// acceptanceDriver runs the SDK's acceptance suite against a fresh emulator
// per test. The source keys rows by their Teicor record id, which exists
// only after the write, and the destination keys them by a unique column,
// so the driver translates between the two when it prepares expectations.
type acceptanceDriver struct {
	sdk.ConfigurableAcceptanceTestDriver
	srv   *teicortest.Server
	table teicortest.TableRef
}

const acceptanceTable = "acceptance"

func TestAcceptance(t *testing.T) {
	d := &acceptanceDriver{
		ConfigurableAcceptanceTestDriver: sdk.ConfigurableAcceptanceTestDriver{
			Config: sdk.ConfigurableAcceptanceTestDriverConfig{
				Connector:        Connector,
				GenerateDataType: sdk.GenerateStructuredData,
				ReadTimeout:      5 * time.Second,
				WriteTimeout:     5 * time.Second,
			},
		},
	}
	d.Config.BeforeTest = d.beforeTest
	// The emulator runs for the whole test, so its goroutines are expected.
	d.Config.GoleakOptions = []goleak.Option{
		goleak.IgnoreAnyFunction("github.com/teicor/conduit-connector-teicor/teicor/teicortest.(*Server).serve.func1"),
		goleak.IgnoreAnyFunction("net/http.(*conn).serve"),
	}
	d.Config.AfterTest = func(*testing.T) { d.srv.Close() }
	sdk.AcceptanceTest(t, d)
}

func (d *acceptanceDriver) beforeTest(t *testing.T) {
	d.srv = teicortest.NewServer()
	if err := d.srv.CreateSchema("demo"); err != nil {
		t.Fatal(err)
	}
	ref, err := d.srv.CreateTable("demo", acceptanceTable,
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "name", Type: "long_text"},
		teicortest.ColumnSpec{Name: "qty", Type: "number"},
		teicortest.ColumnSpec{Name: "active", Type: "boolean"},
	)
	if err != nil {
		t.Fatal(err)
	}
	d.table = ref
	common := map[string]string{
		"baseURL":         d.srv.URL,
		"teamSlug":        d.srv.TeamSlug,
		"appSlug":         d.srv.AppSlug,
		"serviceToken":    d.srv.ServiceToken,
		"retry.baseDelay": "10ms",
	}
	d.Config.SourceConfig = merge(common, map[string]string{
		"tables":       acceptanceTable,
		"pollInterval": "50ms",
		// The suite compares structured data, so the records must not be
		// encoded with an extracted schema.
		"sdk.schema.extract.key.enabled":     "false",
		"sdk.schema.extract.payload.enabled": "false",
	})
	d.Config.DestinationConfig = merge(common, map[string]string{
		"table":     acceptanceTable,
		"schema":    "demo",
		"keyColumn": "sku",
	})
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// GenerateRecord returns a record whose fields match the table's columns.
func (d *acceptanceDriver) GenerateRecord(_ *testing.T, op opencdc.Operation) opencdc.Record {
	sku := fmt.Sprintf("sku-%016x", rand.Uint64())
	return opencdc.Record{
		Position:  opencdc.Position(sku),
		Operation: op,
		Metadata:  opencdc.Metadata{},
		Key:       opencdc.StructuredData{"sku": sku},
		Payload: opencdc.Change{After: opencdc.StructuredData{
			"sku":    sku,
			"name":   fmt.Sprintf("name %d ✓", rand.IntN(1000)),
			"qty":    rand.Int64N(1_000_000),
			"active": rand.IntN(2) == 1,
		}},
	}
}

// WriteToSource writes the records with the destination and returns what
// the source emits for them: the same payload, keyed by record id.
func (d *acceptanceDriver) WriteToSource(t *testing.T, records []opencdc.Record) []opencdc.Record {
	records = d.ConfigurableAcceptanceTestDriver.WriteToSource(t, records)
	ids := map[string]string{}
	for _, row := range d.srv.Rows(d.table.ID) {
		ids[fmt.Sprint(row.Values["sku"])] = row.ID
	}
	out := make([]opencdc.Record, len(records))
	for i, rec := range records {
		sku := rec.Key.(opencdc.StructuredData)["sku"].(string)
		id, ok := ids[sku]
		if !ok {
			t.Fatalf("record %s was not written", sku)
		}
		rec.Key = opencdc.StructuredData{"id": id}
		out[i] = rec
	}
	return out
}

// ReadFromDestination returns the rows the destination wrote, as records
// keyed and shaped like the written ones, built from the emulator's rows.
func (d *acceptanceDriver) ReadFromDestination(t *testing.T, records []opencdc.Record) []opencdc.Record {
	ops := map[string]opencdc.Operation{}
	for _, rec := range records {
		ops[rec.Key.(opencdc.StructuredData)["sku"].(string)] = rec.Operation
	}
	var out []opencdc.Record
	for _, row := range d.srv.Rows(d.table.ID) {
		sku := fmt.Sprint(row.Values["sku"])
		qty, ok := row.Values["qty"].(float64)
		if !ok {
			t.Fatalf("row %s: qty %v is not a number", row.ID, row.Values["qty"])
		}
		out = append(out, opencdc.Record{
			Operation: ops[sku],
			Key:       opencdc.StructuredData{"sku": sku},
			Payload: opencdc.Change{After: opencdc.StructuredData{
				"sku":    sku,
				"name":   row.Values["name"],
				"qty":    int64(qty),
				"active": row.Values["active"],
			}},
		})
	}
	sort.Slice(out, func(i, j int) bool {
		return fmt.Sprint(out[i].Key) < fmt.Sprint(out[j].Key)
	})
	return out
}
