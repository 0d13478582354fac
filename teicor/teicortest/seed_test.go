package teicortest_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestDemoSeedRowCounts(t *testing.T) {
	is := is.New(t)
	seed := teicortest.DemoSeed()
	c := newClient(t, teicortest.WithSeed(seed))

	counts := seed.RowCounts()
	total := 0
	for key, want := range counts {
		schemaName, tableName, _ := strings.Cut(key, ".")
		id, ok := c.srv.TableID(schemaName, tableName)
		is.True(ok)
		is.Equal(c.srv.RowCount(id), want)
		total += want
	}
	is.Equal(len(counts), 4)
	is.True(total >= 200 && total <= 1000)
	is.Equal(len(items(t, c.runtime(http.MethodGet, "api/tables", nil).body, "tables")), 4)
}

func TestDemoSeedCoversColumnTypes(t *testing.T) {
	is := is.New(t)
	seed := teicortest.DemoSeed()
	seen := map[string]bool{}
	unique := map[string]bool{}
	nonASCII := false
	for _, sc := range seed.Schemas {
		for _, tbl := range sc.Tables {
			nonASCII = nonASCII || strings.ContainsFunc(tbl.Name, func(r rune) bool { return r > 127 })
			for _, col := range tbl.Columns {
				seen[col.Type] = true
				if col.Config["unique"] == true {
					unique[col.Name] = true
				}
			}
		}
	}
	for _, typ := range teicortest.ColumnTypes {
		is.True(seen[typ]) // every column type appears in the demo seed
	}
	is.True(unique["sku"])
	is.True(unique["email"])
	is.True(nonASCII)
}

func TestDemoSeedQueries(t *testing.T) {
	is := is.New(t)
	c := newClient(t, teicortest.WithSeed(teicortest.DemoSeed()))

	mine := c.runtime(http.MethodGet, "api/queries", nil)
	all := c.runtime(http.MethodGet, "api/queries"+listQuery("include_all", "true"), nil)

	is.Equal(len(items(t, mine.body, "queries")), 1)
	is.Equal(len(items(t, all.body, "queries")), 2)
	for _, q := range items(t, all.body, "queries") {
		exec := c.runtime(http.MethodPost, "api/queries/"+q["id"].(string)+"/execute", nil)
		mustStatus(t, exec, http.StatusOK)
		is.True(len(exec.body["rows"].([]any)) > 0)
	}
}

func TestDemoSeedIsDeterministic(t *testing.T) {
	is := is.New(t)
	a := teicortest.NewServer(teicortest.WithSeed(teicortest.DemoSeed()))
	defer a.Close()
	b := teicortest.NewServer(teicortest.WithSeed(teicortest.DemoSeed()))
	defer b.Close()
	idA, _ := a.TableID("demo", "orders")
	idB, _ := b.TableID("demo", "orders")

	rowsA, rowsB := a.Rows(idA), b.Rows(idB)

	is.Equal(len(rowsA), len(rowsB))
	for i := range rowsA {
		is.Equal(rowsA[i].Values, rowsB[i].Values)
	}
}

const seedFile = `{
  "schemas": [{"name": "shop", "tables": [{
    "name": "items",
    "columns": [
      {"name": "code", "type": "single_line_text", "config": {"unique": true}},
      {"name": "qty", "type": "number", "config": {"precision": 1}}
    ],
    "rows": [{"code": "x", "qty": 1.5}],
    "generate_rows": 4
  }]}],
  "queries": [{"name": "big", "schema": "shop", "table": "items", "columns": ["code"],
    "filter": {"and": [{"column_id": "qty", "op": "gte", "value": 1}]}, "owned_by_app": true}]
}`

func TestLoadSeedFile(t *testing.T) {
	is := is.New(t)
	path := filepath.Join(t.TempDir(), "seed.json")
	is.NoErr(os.WriteFile(path, []byte(seedFile), 0o600))

	seed, err := teicortest.LoadSeed(path)
	is.NoErr(err)
	c := newClient(t, teicortest.WithSeed(seed))
	id, ok := c.srv.TableID("shop", "items")
	queries := items(t, c.runtime(http.MethodGet, "api/queries", nil).body, "queries")
	exec := c.runtime(http.MethodPost, "api/queries/"+queries[0]["id"].(string)+"/execute", nil)

	is.Equal(seed.RowCounts(), map[string]int{"shop.items": 5})
	is.True(ok)
	is.Equal(c.srv.RowCount(id), 5)
	is.Equal(len(exec.body["columns"].([]any)), 1)
	is.True(len(exec.body["rows"].([]any)) >= 1)
}

func TestLoadSeedErrors(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	is.NoErr(os.WriteFile(bad, []byte("{"), 0o600))

	_, missingErr := teicortest.LoadSeed(filepath.Join(dir, "missing.json"))
	_, badErr := teicortest.LoadSeed(bad)
	srv := teicortest.NewUnstartedServer()
	loadErr := srv.Load(&teicortest.Seed{Schemas: []teicortest.SeedSchema{{Name: "s", Tables: []teicortest.SeedTable{{
		Name:    "t",
		Columns: []teicortest.ColumnSpec{{Name: "n", Type: "number"}},
		Rows:    []map[string]any{{"n": "not a number"}},
	}}}}})

	is.True(missingErr != nil)
	is.True(badErr != nil)
	is.True(loadErr != nil)
	is.True(strings.Contains(loadErr.Error(), "s.t"))
}
