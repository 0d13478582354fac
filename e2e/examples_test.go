package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// exampleTests maps each file in examples/ to the test that runs it.
var exampleTests = map[string]string{
	"teicor-to-postgres.yaml":  "TestExampleTeicorToPostgres",
	"teicor-to-kafka.yaml":     "TestExampleTeicorToKafka",
	"teicor-to-file.yaml":      "TestExampleTeicorToFile",
	"generator-to-teicor.yaml": "TestExampleGeneratorToTeicor",
	"postgres-to-teicor.yaml":  "TestExamplePostgresToTeicor",
}

// TestExamplesHaveTests fails when a pipeline file in examples/ has no
// test that runs it, or a test names a file that is gone.
func TestExamplesHaveTests(t *testing.T) {
	is := is.New(t)
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	is.NoErr(err)

	var names []string
	for _, file := range files {
		names = append(names, filepath.Base(file))
	}
	for _, name := range names {
		_, ok := exampleTests[name]
		is.True(ok) // every example file has an entry in exampleTests
	}
	for name := range exampleTests {
		is.True(slices.Contains(names, name)) // every entry in exampleTests names an example file
	}
}

// TestExamplesReferenceTokenVariable checks that every example that uses
// the Teicor connector reads the service token from the environment.
func TestExamplesReferenceTokenVariable(t *testing.T) {
	for name := range exampleTests {
		t.Run(name, func(t *testing.T) {
			content := readExample(t, name)
			variables := exampleVariables(content)
			if !slices.Contains(variables, "TEICOR_SERVICE_TOKEN") {
				t.Errorf("example %s does not read the service token from ${TEICOR_SERVICE_TOKEN}", name)
			}
		})
	}
}

// TestExampleTeicorToFile runs teicor-to-file.yaml and checks that the
// file receives every table row and every row of a saved query, and then
// a row inserted while the pipeline runs.
func TestExampleTeicorToFile(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("shop"))
	ref, err := srv.CreateTable("shop", "items", itemColumns()...)
	is.NoErr(err)
	insertItems(t, srv, ref.ID, 0, 20)
	filter := fmt.Sprintf(`{"and":[{"column_id":%q,"op":"eq","value":true}]}`, ref.Columns["active"])
	_, err = srv.CreateQuery("active-items", "", teicortest.QueryDef{
		TableID: ref.ID,
		Filter:  json.RawMessage(filter),
	}, true)
	is.NoErr(err)

	c := startExample(t, "teicor-to-file.yaml", "teicor-to-file", exampleTeicorEnv(srv))
	out := filepath.Join(c.DataDir, "teicor-export.jsonl")

	waitExample(t, "the initial export", func() string {
		return exportDiff(t, out, srv, ref.ID)
	})

	_, err = srv.InsertRows(ref.ID, itemRow(100))
	is.NoErr(err)
	waitExample(t, "the inserted row", func() string {
		return exportDiff(t, out, srv, ref.ID)
	})
	c.Stop()
}

// exportDiff compares the file destination output with the rows of the
// table and of the query "active-items", which selects the active rows,
// and describes the first difference.
func exportDiff(t *testing.T, path string, srv *teicortest.Server, tableID string) string {
	records, err := conduitrun.ReadFileRecords(path)
	if err != nil {
		t.Fatalf("%v", err)
	}

	tableRecords := map[string]conduitrun.FileRecord{}
	queryRowNumbers := map[string]bool{}
	for _, rec := range records {
		switch rec.Collection() {
		case "items":
			tableRecords[fmt.Sprint(rec.KeyField("id"))] = rec
		case "active-items":
			queryRowNumbers[fmt.Sprint(rec.KeyField("row"))] = true
			if rec.Payload.After["active"] != true {
				return fmt.Sprintf("query row %v has active=%v, expected true", rec.KeyField("row"), rec.Payload.After["active"])
			}
		default:
			return fmt.Sprintf("unexpected collection %q", rec.Collection())
		}
	}

	rows := srv.Rows(tableID)
	queryRows := 0
	for _, row := range rows {
		if row.Values["active"] == true {
			queryRows++
		}
	}
	if len(tableRecords) != len(rows) {
		return fmt.Sprintf("file has %d table rows, expected %d", len(tableRecords), len(rows))
	}
	if len(queryRowNumbers) != queryRows {
		return fmt.Sprintf("file has %d query rows, expected %d", len(queryRowNumbers), queryRows)
	}
	for _, row := range rows {
		rec, ok := tableRecords[row.ID]
		if !ok {
			return fmt.Sprintf("record %s is missing", row.ID)
		}
		if got, want := rec.Payload.After["sku"], row.Values["sku"]; got != want {
			return fmt.Sprintf("record %s has sku %v, expected %v", row.ID, got, want)
		}
	}
	return ""
}

// TestExampleGeneratorToTeicor runs generator-to-teicor.yaml and checks
// that the destination creates the table and writes 100 rows with the
// keys the processor sets and values of the generated types.
func TestExampleGeneratorToTeicor(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("demo"))

	c := startExample(t, "generator-to-teicor.yaml", "generator-to-teicor", exampleTeicorEnv(srv))
	var tableID string
	waitExample(t, "100 rows in demo.events", func() string {
		id, ok := srv.TableID("demo", "events")
		if !ok {
			return "table demo.events does not exist"
		}
		tableID = id
		if n := srv.RowCount(id); n != 100 {
			return fmt.Sprintf("table has %d rows", n)
		}
		return ""
	})
	c.Stop()

	keys := map[string]bool{}
	for _, row := range srv.Rows(tableID) {
		key, _ := row.Values["event_id"].(string)
		keys[key] = true
		sku, _ := row.Values["sku"].(string)
		is.True(sku != "") // sku is a generated word
		_, isBool := row.Values["active"].(bool)
		is.True(isBool) // active is a boolean
		_, isNumber := row.Values["qty"].(float64)
		is.True(isNumber) // qty is a number
		_, isText := row.Values["created"].(string)
		is.True(isText) // created is a datetime text
	}
	for i := 1; i <= 100; i++ {
		key := fmt.Sprintf("event-%d", i)
		if !keys[key] {
			t.Errorf("no row has event_id %q", key)
		}
	}
}
