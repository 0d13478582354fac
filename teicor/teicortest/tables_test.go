package teicortest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"
)

func TestSchemaLifecycle(t *testing.T) {
	is := is.New(t)
	c := newClient(t)

	created := c.runtime(http.MethodPost, "api/schemas", map[string]any{"name": "app"})
	dup := c.runtime(http.MethodPost, "api/schemas", map[string]any{"name": "app"})
	renamed := c.runtime(http.MethodPatch, "api/schemas/app", map[string]any{"name": "app_v2"})
	list := c.runtime(http.MethodGet, "api/schemas", nil)

	mustStatus(t, created, http.StatusCreated)
	is.Equal(created.body["name"], "app")
	is.Equal(dup.status, http.StatusConflict)
	is.Equal(dup.errorCode(), "conflict")
	is.Equal(renamed.body["name"], "app_v2")
	is.Equal(len(items(t, list.body, "schemas")), 1)

	table := c.runtime(http.MethodPost, "api/tables", map[string]any{"name": "t", "schema_name": "app_v2"})
	busy := c.runtime(http.MethodDelete, "api/schemas/app_v2", nil)
	c.runtime(http.MethodDelete, "api/tables/"+table.body["id"].(string), nil)
	deleted := c.runtime(http.MethodDelete, "api/schemas/app_v2", nil)
	missing := c.runtime(http.MethodPatch, "api/schemas/app_v2", map[string]any{"name": "x"})

	is.Equal(busy.status, http.StatusConflict)
	is.Equal(deleted.status, http.StatusNoContent)
	is.Equal(missing.status, http.StatusNotFound)
}

func TestTableLifecycle(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.runtime(http.MethodPost, "api/schemas", map[string]any{"name": "app"})

	created := c.runtime(http.MethodPost, "api/tables", map[string]any{"name": "tokens", "schema_name": "app", "is_private": true})
	mustStatus(t, created, http.StatusCreated)
	id := created.body["id"].(string)
	is.Equal(created.body["schema_name"], "app")
	is.Equal(created.body["is_private"], true)
	is.Equal(created.body["row_count"], float64(0))

	dup := c.runtime(http.MethodPost, "api/tables", map[string]any{"name": "tokens", "schema_name": "app"})
	noSchema := c.runtime(http.MethodPost, "api/tables", map[string]any{"name": "x", "schema_name": "nope"})
	updated := c.runtime(http.MethodPatch, "api/tables/"+id, map[string]any{"name": "tokens_v2", "is_private": false})
	got := c.runtime(http.MethodGet, "api/tables/"+id, nil)

	is.Equal(dup.status, http.StatusConflict)
	is.Equal(noSchema.status, http.StatusNotFound)
	is.Equal(updated.body["name"], "tokens_v2")
	is.Equal(updated.body["is_private"], false)
	is.Equal(got.body["columns"], []any{})

	mustStatus(t, c.runtime(http.MethodDelete, "api/tables/"+id, nil), http.StatusNoContent)
	is.Equal(c.runtime(http.MethodGet, "api/tables/"+id, nil).status, http.StatusNotFound)
	is.Equal(c.runtime(http.MethodDelete, "api/tables/"+id, nil).errorCode(), "not_found")
}

func TestColumnLifecycle(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv)
	base := "api/tables/" + ref.ID + "/columns"

	first := c.runtime(http.MethodPost, base, map[string]any{"name": "Account", "column_type": "single_line_text", "config": map[string]any{"unique": true}})
	second := c.runtime(http.MethodPost, base, map[string]any{"name": "Price", "column_type": "number", "config": map[string]any{"precision": 2}})
	mustStatus(t, first, http.StatusCreated)
	is.Equal(first.body["table_id"], ref.ID)
	is.Equal(first.body["column_type"], "single_line_text")
	is.Equal(first.body["position"], float64(1))
	is.Equal(second.body["position"], float64(2))
	is.Equal(first.body["config"].(map[string]any)["unique"], true)

	id := first.body["id"].(string)
	renamed := c.runtime(http.MethodPatch, base+"/"+id, map[string]any{"name": "Account ID"})
	is.Equal(renamed.body["name"], "Account ID")
	is.Equal(renamed.body["config"].(map[string]any)["unique"], true) // config kept when omitted

	mustStatus(t, c.runtime(http.MethodDelete, base+"/"+id, nil), http.StatusNoContent)
	list := items(t, c.runtime(http.MethodGet, base, nil).body, "columns")
	is.Equal(len(list), 1)
	is.Equal(list[0]["name"], "Price")
	is.Equal(list[0]["position"], float64(1))
}

func TestColumnErrors(t *testing.T) {
	c := newClient(t)
	ref := newTable(t, c.srv)
	base := "api/tables/" + ref.ID + "/columns"
	c.runtime(http.MethodPost, base, map[string]any{"name": "a", "column_type": "long_text"})

	cases := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"duplicate name", map[string]any{"name": "a", "column_type": "long_text"}, 409},
		{"missing name", map[string]any{"column_type": "long_text"}, 400},
		{"unknown type", map[string]any{"name": "b", "column_type": "money"}, 400},
		{"unknown config key", map[string]any{"name": "b", "column_type": "number", "config": map[string]any{"scale": 2}}, 400},
		{"options on text", map[string]any{"name": "b", "column_type": "email", "config": map[string]any{"options": []string{"x"}}}, 400},
		{"precision too large", map[string]any{"name": "b", "column_type": "number", "config": map[string]any{"precision": 11}}, 400},
		{"unique not bool", map[string]any{"name": "b", "column_type": "number", "config": map[string]any{"unique": "yes"}}, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			resp := c.runtime(http.MethodPost, base, tc.body)
			is.Equal(resp.status, tc.status)
		})
	}
	t.Run("unknown column", func(t *testing.T) {
		is := is.New(t)
		is.Equal(c.runtime(http.MethodDelete, base+"/col_nope", nil).status, http.StatusNotFound)
	})
}

func TestColumnUniqueWithDuplicates(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("code", "single_line_text", nil))
	_, err := c.srv.InsertRows(ref.ID, map[string]any{"code": "a"}, map[string]any{"code": "a"})
	is.NoErr(err)

	resp := c.runtime(http.MethodPatch, "api/tables/"+ref.ID+"/columns/"+ref.Columns["code"], map[string]any{"config": map[string]any{"unique": true}})

	is.Equal(resp.status, http.StatusConflict)
}

func TestNoOpUpdateKeepsUpdatedAt(t *testing.T) {
	is := is.New(t)
	c, clock := frozenClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", map[string]any{"precision": 1}))
	before := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"]
	clock.Advance(time.Minute)

	c.runtime(http.MethodPatch, "api/tables/"+ref.ID, map[string]any{"name": "t"})
	c.runtime(http.MethodPatch, "api/tables/"+ref.ID+"/columns/"+ref.Columns["n"], map[string]any{"name": "n", "config": map[string]any{"precision": 1}})
	after := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"]
	c.runtime(http.MethodPatch, "api/tables/"+ref.ID, map[string]any{"is_private": true})
	changed := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"]

	is.Equal(after, before)
	is.True(changed != before)
}
