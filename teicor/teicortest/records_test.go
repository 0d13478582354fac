package teicortest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestRecordLifecycle(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("account", "single_line_text", map[string]any{"unique": true}), colSpec("n", "number", nil))
	acc, n := ref.Columns["account"], ref.Columns["n"]
	base := "api/tables/" + ref.ID + "/records"

	created := c.runtime(http.MethodPost, base, map[string]any{"data": map[string]any{acc: "acct_123"}})
	mustStatus(t, created, http.StatusCreated)
	id := created.body["id"].(string)
	is.Equal(created.body["data"], map[string]any{acc: "acct_123", n: nil})

	updated := c.runtime(http.MethodPatch, base+"/"+id, map[string]any{"data": map[string]any{n: 7}})
	is.Equal(updated.body["data"], map[string]any{acc: "acct_123", n: float64(7)})

	got := c.runtime(http.MethodGet, base+"/"+id, nil)
	is.Equal(got.body["data"], updated.body["data"])

	mustStatus(t, c.runtime(http.MethodDelete, base+"/"+id, nil), http.StatusNoContent)
	is.Equal(c.runtime(http.MethodGet, base+"/"+id, nil).status, http.StatusNotFound)
	is.Equal(c.srv.RowCount(ref.ID), 0)
}

func TestRecordUniqueConflict(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("email", "email", map[string]any{"unique": true}))
	email := ref.Columns["email"]
	ids, err := c.srv.InsertRows(ref.ID, map[string]any{"email": "a@example.com"}, map[string]any{"email": "b@example.com"})
	is.NoErr(err)
	base := "api/tables/" + ref.ID + "/records"

	create := c.runtime(http.MethodPost, base, map[string]any{"data": map[string]any{email: "a@example.com"}})
	update := c.runtime(http.MethodPatch, base+"/"+ids[1], map[string]any{"data": map[string]any{email: "a@example.com"}})
	same := c.runtime(http.MethodPatch, base+"/"+ids[0], map[string]any{"data": map[string]any{email: "a@example.com"}})

	is.Equal(create.status, http.StatusConflict)
	is.Equal(update.status, http.StatusConflict)
	is.Equal(same.status, http.StatusOK) // a record does not conflict with itself
}

func TestRecordValidation(t *testing.T) {
	c := newClient(t)
	ref := newTable(t, c.srv,
		colSpec("text", "single_line_text", nil),
		colSpec("email", "email", nil),
		colSpec("url", "url", nil),
		colSpec("int", "number", nil),
		colSpec("money", "number", map[string]any{"precision": 2}),
		colSpec("flag", "boolean", nil),
		colSpec("day", "date", nil),
		colSpec("at", "datetime", nil),
		colSpec("one", "single_select", map[string]any{"options": []string{"a", "b"}}),
		colSpec("many", "multi_select", map[string]any{"options": []string{"a", "b"}}),
		colSpec("doc", "json", nil),
		colSpec("must", "long_text", map[string]any{"required": true}),
	)
	cases := []struct {
		column string
		value  any
		valid  bool
	}{
		{"text", "hello", true},
		{"text", 5, false},
		{"email", "a@example.com", true},
		{"email", "not-an-email", false},
		{"url", "https://example.com/x", true},
		{"url", "example", false},
		{"int", 42, true},
		{"int", 4.5, false},
		{"int", "42", false},
		{"money", json.Number("19.99"), true},
		{"money", json.Number("19.999"), false},
		{"money", json.Number("1e2"), true},
		{"flag", true, true},
		{"flag", "true", false},
		{"day", "2026-02-28", true},
		{"day", "2026-02-30", false},
		{"at", "2026-02-28T10:00:00+02:00", true},
		{"at", "2026-02-28 10:00", false},
		{"one", "a", true},
		{"one", "c", false},
		{"many", []string{"a", "b"}, true},
		{"many", []string{"a", "c"}, false},
		{"many", "a", false},
		{"doc", map[string]any{"k": []int{1}}, true},
		{"text", nil, true},
		{"must", nil, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %v", tc.column, tc.value), func(t *testing.T) {
			is := is.New(t)
			colID := ref.Columns[tc.column]
			data := map[string]any{ref.Columns["must"]: "x", colID: tc.value}

			resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records", map[string]any{"data": data})

			if tc.valid {
				is.Equal(resp.status, http.StatusCreated)
				return
			}
			is.Equal(resp.status, http.StatusUnprocessableEntity)
			is.Equal(resp.errorCode(), "validation_failed")
			is.Equal(resp.errorDetails()["column_id"], colID)
			is.True(resp.errorDetails()["reason"] != "")
		})
	}
}

func TestRecordRequiredOnCreate(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("must", "long_text", map[string]any{"required": true}), colSpec("other", "long_text", nil))

	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records", map[string]any{"data": map[string]any{ref.Columns["other"]: "x"}})
	unknown := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records", map[string]any{"data": map[string]any{"col_nope": "x"}})

	is.Equal(resp.status, http.StatusUnprocessableEntity)
	is.Equal(resp.errorDetails()["column_id"], ref.Columns["must"])
	is.Equal(resp.errorDetails()["reason"], "required")
	is.Equal(unknown.status, http.StatusUnprocessableEntity)
	is.Equal(unknown.errorDetails()["column_id"], "col_nope")
}

func insertNumbers(t *testing.T, srv *teicortest.Server, tableID string, n int) []string {
	t.Helper()
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = map[string]any{"n": i}
	}
	ids, err := srv.InsertRows(tableID, rows...)
	if err != nil {
		t.Fatalf("insert rows: %v", err)
	}
	return ids
}

func TestListRecordsPaging(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	ids := insertNumbers(t, c.srv, ref.ID, 120)
	is.NoErr(c.srv.DeleteRow(ref.ID, ids[0]))
	base := "api/tables/" + ref.ID + "/records"

	def := c.runtime(http.MethodGet, base, nil)
	page := c.runtime(http.MethodGet, base+listQuery("limit", "10", "offset", "110"), nil)
	beyond := c.runtime(http.MethodGet, base+listQuery("offset", "500"), nil)

	is.Equal(def.body["limit"], float64(50))
	is.Equal(def.body["total"], float64(119))
	is.Equal(len(items(t, def.body, "records")), 50)
	is.Equal(items(t, def.body, "records")[0]["id"], ids[1])
	is.Equal(len(items(t, page.body, "records")), 9)
	is.Equal(items(t, page.body, "records")[8]["id"], ids[119])
	is.Equal(len(items(t, beyond.body, "records")), 0)
}

func TestListRecordsLimits(t *testing.T) {
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	cases := []struct {
		query  string
		status int
	}{
		{listQuery("limit", "1000"), 200},
		{listQuery("limit", "1001"), 400},
		{listQuery("limit", "0"), 400},
		{listQuery("limit", "x"), 400},
		{listQuery("offset", "-1"), 400},
		{listQuery("filter", "{"), 400},
		{listQuery("filter", `{"and":[{"column_id":"col_nope","op":"eq","value":1}]}`), 400},
		{listQuery("filter", `{"and":[{"column_id":"`+ref.Columns["n"]+`","op":"like","value":1}]}`), 400},
		{listQuery("sort", `[{"column_id":"`+ref.Columns["n"]+`","direction":"up"}]`), 400},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			is := is.New(t)
			resp := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/records"+tc.query, nil)
			is.Equal(resp.status, tc.status)
		})
	}
	t.Run("unknown table", func(t *testing.T) {
		is := is.New(t)
		is.Equal(c.runtime(http.MethodGet, "api/tables/tbl_nope/records", nil).status, http.StatusNotFound)
	})
}
