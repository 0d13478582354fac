package e2e

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// generatedCount is the number of records the generator produces.
const generatedCount = 50

// generatorToTeicorPipeline sends generated records to the Teicor table
// e2e.items and, as a copy to compare with, to a file. The generator's key
// is a random word unrelated to the payload, and the destination rejects a
// key that differs from the keyColumn value, so a processor sets the key
// to the sku.
func generatorToTeicorPipeline(srv *teicortest.Server, copyPath string) string {
	return `version: "2.2"
pipelines:
  - id: generator-to-teicor
    status: running
    processors:
      - id: key-from-sku
        plugin: builtin:field.set
        settings:
          field: .Key
          value: "{{ .Payload.After.sku }}"
    connectors:
      - id: generator
        type: source
        plugin: builtin:generator
        settings:
          recordCount: "` + strconv.Itoa(generatedCount) + `"
          format.type: structured
          format.options.sku: string
          format.options.name: string
          format.options.qty: int
          operations: create
      - id: teicor
        type: destination
        plugin: standalone:teicor
        settings:
` + connectionSettings(srv) + `          schema: e2e
          table: items
          keyColumn: sku
      - id: copy
        type: destination
        plugin: builtin:file
        settings:
          path: ` + strconv.Quote(copyPath) + "\n"
}

func TestDestinationLandsGeneratedRows(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	table, err := srv.CreateTable("e2e", "items",
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "name", Type: "single_line_text"},
		teicortest.ColumnSpec{Name: "qty", Type: "number"},
	)
	is.NoErr(err)
	copyPath := filepath.Join(t.TempDir(), "generated.jsonl")

	c := startConduit(t, srv, map[string]string{"generator.yaml": generatorToTeicorPipeline(srv, copyPath)})
	c.WaitPipelineRunning("generator-to-teicor")

	// The generator draws sku from a word list, so two records may share a
	// sku. The destination upserts on sku, so the table keeps the last
	// record of each sku.
	var generated map[string]map[string]any
	landed := waitFor(t, c, "generator-to-teicor", func() bool {
		records, err := conduitrun.ReadFileRecords(copyPath)
		is.NoErr(err)
		if len(records) < generatedCount {
			return false
		}
		generated = lastBySKU(records)
		return srv.RowCount(table.ID) == len(generated)
	})
	if !landed {
		t.Fatalf("table has %d rows after %s, want %d; pipeline state %+v",
			srv.RowCount(table.ID), deliveryTimeout, len(generated), c.PipelineStatus("generator-to-teicor"))
	}

	rows := srv.Rows(table.ID)
	is.Equal(len(rows), len(generated)) // one row per distinct sku
	for _, row := range rows {
		sku, _ := row.Values["sku"].(string)
		want, ok := generated[sku]
		if !ok {
			t.Errorf("row %s has sku %q, which the generator did not produce", row.ID, sku)
			continue
		}
		for _, column := range []string{"name", "qty"} {
			if !sameValue(want[column], row.Values[column]) {
				t.Errorf("sku %q column %s: stored %#v, generated %#v", sku, column, row.Values[column], want[column])
			}
		}
	}
	c.Stop()
}

// lastBySKU maps each sku to the payload of the last record that has it.
func lastBySKU(records []conduitrun.FileRecord) map[string]map[string]any {
	out := make(map[string]map[string]any, len(records))
	for _, rec := range records {
		if sku, ok := rec.Payload.After["sku"].(string); ok {
			out[sku] = rec.Payload.After
		}
	}
	return out
}
