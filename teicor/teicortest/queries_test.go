package teicortest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// queryFixture is a table of three products and two saved queries: "mine"
// owned by the app in group "g1", selecting name and price of in-stock
// products by price descending, and "theirs" of another app in group "g2".
func queryFixture(t *testing.T) (*client, *teicortest.Clock, teicortest.TableRef, string, string) {
	t.Helper()
	c, clock := frozenClient(t)
	ref := newTable(t, c.srv,
		colSpec("name", "single_line_text", nil),
		colSpec("price", "number", map[string]any{"precision": 2}),
		colSpec("in_stock", "boolean", nil),
	)
	_, err := c.srv.InsertRows(ref.ID,
		map[string]any{"name": "hammer", "price": 24.5, "in_stock": true},
		map[string]any{"name": "trowel", "price": 9.99, "in_stock": false},
		map[string]any{"name": "saw", "price": 31, "in_stock": true},
	)
	if err != nil {
		t.Fatalf("insert rows: %v", err)
	}
	def := teicortest.QueryDef{
		TableID: ref.ID,
		Columns: []string{ref.Columns["name"], ref.Columns["price"]},
		Filter:  json.RawMessage(`{"and":[{"column_id":"` + ref.Columns["in_stock"] + `","op":"eq","value":true}]}`),
		Sort:    json.RawMessage(`[{"column_id":"` + ref.Columns["price"] + `","direction":"desc"}]`),
	}
	mine, err := c.srv.CreateQuery("mine", "g1", def, true)
	if err != nil {
		t.Fatalf("create query: %v", err)
	}
	theirs, err := c.srv.CreateQuery("theirs", "g2", teicortest.QueryDef{TableID: ref.ID}, false)
	if err != nil {
		t.Fatalf("create query: %v", err)
	}
	return c, clock, ref, mine, theirs
}

func queryNames(t *testing.T, resp response) []string {
	t.Helper()
	var out []string
	for _, q := range items(t, resp.body, "queries") {
		out = append(out, q["name"].(string))
	}
	return out
}

func TestListQueries(t *testing.T) {
	c, _, _, _, _ := queryFixture(t)
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"mine"}},
		{listQuery("include_all", "false"), []string{"mine"}},
		{listQuery("include_all", "true"), []string{"mine", "theirs"}},
		{listQuery("include_all", "true", "group_id", "g2"), []string{"theirs"}},
		{listQuery("group_id", "g2"), nil},
		{listQuery("include_all", "true", "updated_since", gateStart.Format(time.RFC3339)), []string{"mine", "theirs"}},
		{listQuery("include_all", "true", "updated_since", gateStart.Add(time.Microsecond).Format(time.RFC3339Nano)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			is := is.New(t)
			resp := c.runtime(http.MethodGet, "api/queries"+tc.query, nil)
			mustStatus(t, resp, http.StatusOK)
			is.Equal(queryNames(t, resp), tc.want)
		})
	}
	t.Run("invalid include_all", func(t *testing.T) {
		is := is.New(t)
		is.Equal(c.runtime(http.MethodGet, "api/queries"+listQuery("include_all", "yes"), nil).status, http.StatusBadRequest)
	})
}

func TestGetQuery(t *testing.T) {
	is := is.New(t)
	c, _, ref, mine, _ := queryFixture(t)

	resp := c.runtime(http.MethodGet, "api/queries/"+mine, nil)
	missing := c.runtime(http.MethodGet, "api/queries/qry_nope", nil)

	mustStatus(t, resp, http.StatusOK)
	is.Equal(resp.body["id"], mine)
	is.Equal(resp.body["group_id"], "g1")
	def := resp.body["definition"].(map[string]any)
	is.Equal(def["table_id"], ref.ID)
	is.Equal(def["columns"], []any{ref.Columns["name"], ref.Columns["price"]})
	is.True(def["filter"] != nil)
	is.Equal(missing.status, http.StatusNotFound)
}

func TestExecuteQuery(t *testing.T) {
	is := is.New(t)
	c, _, _, mine, theirs := queryFixture(t)

	resp := c.runtime(http.MethodPost, "api/queries/"+mine+"/execute", nil)
	all := c.runtime(http.MethodPost, "api/queries/"+theirs+"/execute", nil)

	mustStatus(t, resp, http.StatusOK)
	is.Equal(resp.body["query_id"], mine)
	is.Equal(resp.body["columns"], []any{
		map[string]any{"name": "name", "column_type": "single_line_text"},
		map[string]any{"name": "price", "column_type": "number"},
	})
	is.Equal(resp.body["rows"], []any{
		map[string]any{"name": "saw", "price": float64(31)},
		map[string]any{"name": "hammer", "price": 24.5},
	})
	is.Equal(resp.body["executed_at"], "2026-05-06T07:08:09.000000Z")
	is.True(resp.body["source_watermark"] != "")
	is.Equal(len(all.body["rows"].([]any)), 3)
	is.Equal(len(all.body["columns"].([]any)), 3)
}

func queryData(c *client, id, prev string) response {
	c.t.Helper()
	return c.runtime(http.MethodGet, "api/queries/"+id+"/data"+listQuery("if_newer_than_watermark", prev), nil)
}

func TestQueryDataGate(t *testing.T) {
	is := is.New(t)
	c, clock, ref, mine, _ := queryFixture(t)

	first := c.runtime(http.MethodGet, "api/queries/"+mine+"/data", nil)
	w0 := first.body["source_watermark"].(string)
	is.Equal(first.body["unchanged"], false)
	is.Equal(len(first.body["rows"].([]any)), 2)

	same := queryData(c, mine, w0)
	is.Equal(same.body, map[string]any{"query_id": mine, "unchanged": true, "source_watermark": w0})

	clock.Advance(time.Second)
	is.NoErr(c.srv.RenameTable(ref.ID, "renamed"))
	is.Equal(queryData(c, mine, w0).body["unchanged"], true) // a table rename keeps the rows

	_, err := c.srv.InsertRows(ref.ID, map[string]any{"name": "drill", "price": 80, "in_stock": true})
	is.NoErr(err)
	changed := queryData(c, mine, w0)
	is.Equal(changed.body["unchanged"], false)
	is.True(changed.body["source_watermark"] != w0)
	is.Equal(len(changed.body["rows"].([]any)), 3)
	is.Equal(queryData(c, mine, "unknown").body["unchanged"], false)
}

func TestQueryFollowsTable(t *testing.T) {
	is := is.New(t)
	c, clock, ref, mine, _ := queryFixture(t)
	w0 := queryData(c, mine, "").body["source_watermark"].(string)

	clock.Advance(time.Minute)
	is.NoErr(c.srv.RenameColumn(ref.ID, ref.Columns["name"], "title"))
	afterRename := c.runtime(http.MethodGet, "api/queries/"+mine, nil)
	renamedData := queryData(c, mine, w0)

	is.Equal(afterRename.body["updated_at"], "2026-05-06T07:09:09.000000Z")
	is.Equal(renamedData.body["unchanged"], false) // rows are keyed by column name
	is.Equal(renamedData.body["rows"].([]any)[0].(map[string]any)["title"], "saw")

	clock.Advance(time.Minute)
	is.NoErr(c.srv.UpdateQuery(mine, teicortest.QueryDef{TableID: ref.ID}))
	since := c.runtime(http.MethodGet, "api/queries"+listQuery("updated_since", "2026-05-06T07:10:09Z"), nil)
	is.Equal(queryNames(t, since), []string{"mine"})
	is.Equal(len(queryData(c, mine, "").body["rows"].([]any)), 3)
}

func TestQueryOnDeletedTable(t *testing.T) {
	is := is.New(t)
	c, _, ref, mine, theirs := queryFixture(t)

	is.NoErr(c.srv.DeleteTable(ref.ID))
	is.NoErr(c.srv.DeleteQuery(theirs))
	exec := c.runtime(http.MethodPost, "api/queries/"+mine+"/execute", nil)
	deletedQuery := c.runtime(http.MethodGet, "api/queries/"+theirs, nil)

	is.Equal(exec.status, http.StatusConflict)
	is.Equal(deletedQuery.status, http.StatusNotFound)
}

func TestCreateQueryRejectsBadDefinition(t *testing.T) {
	c, _, ref, _, _ := queryFixture(t)
	cases := []struct {
		name string
		def  teicortest.QueryDef
	}{
		{"unknown table", teicortest.QueryDef{TableID: "tbl_nope"}},
		{"unknown column", teicortest.QueryDef{TableID: ref.ID, Columns: []string{"col_nope"}}},
		{"bad filter", teicortest.QueryDef{TableID: ref.ID, Filter: json.RawMessage(`{"x":1}`)}},
		{"bad sort", teicortest.QueryDef{TableID: ref.ID, Sort: json.RawMessage(`{}`)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			_, err := c.srv.CreateQuery("q", "", tc.def, true)
			is.True(err != nil)
		})
	}
}
