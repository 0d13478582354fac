package e2e

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// metadataSchema is the metadata key in which the source stores the schema
// name next to opencdc.collection.
const metadataSchema = "teicor.schema"

// sourceToFilePipeline copies every table of srv to a file. Payload schema
// extraction is off, because with it on the source renames columns whose
// names are not valid Avro names (the demo's café table), and this test
// compares fields with the stored column names.
func sourceToFilePipeline(srv *teicortest.Server, outPath string) string {
	return `version: "2.2"
pipelines:
  - id: teicor-to-file
    status: running
    connectors:
      - id: teicor
        type: source
        plugin: standalone:teicor
        settings:
` + connectionSettings(srv) + `          tables: "*"
          pollInterval: 1s
          sdk.schema.extract.payload.enabled: "false"
      - id: file
        type: destination
        plugin: builtin:file
        settings:
          path: ` + strconv.Quote(outPath) + "\n"
}

// latestByTable groups delivered records by "schema.table" and row id,
// keeping the last record of each row.
func latestByTable(records []conduitrun.FileRecord) map[string]map[string]conduitrun.FileRecord {
	out := map[string]map[string]conduitrun.FileRecord{}
	for _, rec := range records {
		table := rec.Metadata[metadataSchema] + "." + rec.Collection()
		if out[table] == nil {
			out[table] = map[string]conduitrun.FileRecord{}
		}
		id, _ := rec.KeyField("id").(string)
		out[table][id] = rec
	}
	return out
}

func TestSourceDeliversEverySeededRow(t *testing.T) {
	is := is.New(t)
	seed := teicortest.DemoSeed()
	srv := teicortest.NewServer(teicortest.WithSeed(seed))
	t.Cleanup(srv.Close)
	outPath := filepath.Join(t.TempDir(), "records.jsonl")

	c := startConduit(t, srv, map[string]string{"teicor.yaml": sourceToFilePipeline(srv, outPath)})
	c.WaitPipelineRunning("teicor-to-file")

	want := seed.RowCounts()
	var delivered map[string]map[string]conduitrun.FileRecord
	complete := waitFor(t, c, "teicor-to-file", func() bool {
		records, err := conduitrun.ReadFileRecords(outPath)
		is.NoErr(err)
		delivered = latestByTable(records)
		for table, n := range want {
			if len(delivered[table]) != n {
				return false
			}
		}
		return true
	})
	if !complete {
		t.Fatalf("rows per table after %s: %s, want %v; pipeline state %+v",
			deliveryTimeout, describeCounts(delivered), want, c.PipelineStatus("teicor-to-file"))
	}
	is.Equal(len(delivered), len(want)) // no table beyond the seed

	for table := range want {
		schema, name, _ := strings.Cut(table, ".")
		tableID, ok := srv.TableID(schema, name)
		is.True(ok) // seeded table exists
		compareTable(t, table, srv.Rows(tableID), delivered[table])
	}
	c.Stop()
}

// compareTable checks that every stored row arrived with the same values,
// and that columns without a stored value arrived as null.
func compareTable(t *testing.T, table string, rows []teicortest.Row, delivered map[string]conduitrun.FileRecord) {
	t.Helper()
	for _, row := range rows {
		rec, ok := delivered[row.ID]
		if !ok {
			t.Errorf("%s: row %s not delivered", table, row.ID)
			continue
		}
		after := rec.Payload.After
		for column, stored := range row.Values {
			if got, ok := after[column]; !ok || !sameValue(got, stored) {
				t.Errorf("%s row %s column %q: delivered %#v, stored %#v", table, row.ID, column, got, stored)
			}
		}
		for column, got := range after {
			if _, ok := row.Values[column]; !ok && got != nil {
				t.Errorf("%s row %s column %q: delivered %#v for a column without a value", table, row.ID, column, got)
			}
		}
	}
}

func describeCounts(delivered map[string]map[string]conduitrun.FileRecord) string {
	parts := make([]string, 0, len(delivered))
	for table, rows := range delivered {
		parts = append(parts, fmt.Sprintf("%s=%d", table, len(rows)))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
