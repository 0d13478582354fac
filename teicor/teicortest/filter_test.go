package teicortest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/matryer/is"
)

// filterFixture is a table of five people used by the filter and sort
// tests: name, age (nullable), tags, joined_at.
func filterFixture(t *testing.T) (*client, string, map[string]string) {
	t.Helper()
	c := newClient(t)
	ref := newTable(t, c.srv,
		colSpec("name", "single_line_text", nil),
		colSpec("age", "number", nil),
		colSpec("tags", "multi_select", map[string]any{"options": []string{"red", "blue"}}),
		colSpec("joined_at", "datetime", nil),
	)
	_, err := c.srv.InsertRows(ref.ID,
		map[string]any{"name": "Ada", "age": 36, "tags": []string{"red"}, "joined_at": "2026-01-01T10:00:00Z"},
		map[string]any{"name": "Bob", "age": 25, "tags": []string{"blue"}, "joined_at": "2026-01-01T11:30:00+02:00"},
		map[string]any{"name": "Cy", "tags": []string{}, "joined_at": "2026-01-01T09:00:00Z"},
		map[string]any{"name": "Dee", "age": 25, "tags": []string{"red", "blue"}},
		map[string]any{"name": "", "age": 70},
	)
	if err != nil {
		t.Fatalf("insert fixture rows: %v", err)
	}
	return c, ref.ID, ref.Columns
}

func names(t *testing.T, body map[string]any, nameCol string) []string {
	t.Helper()
	var out []string
	for _, rec := range items(t, body, "records") {
		out = append(out, rec["data"].(map[string]any)[nameCol].(string))
	}
	return out
}

func cond(colID, op string, value any) map[string]any {
	return map[string]any{"column_id": colID, "op": op, "value": value}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %v: %v", v, err)
	}
	return string(raw)
}

func TestFilterOps(t *testing.T) {
	c, tableID, col := filterFixture(t)
	name, age, tags := col["name"], col["age"], col["tags"]
	cases := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"eq", map[string]any{"and": []any{cond(age, "eq", 25)}}, []string{"Bob", "Dee"}},
		{"eq null", map[string]any{"and": []any{cond(age, "eq", nil)}}, []string{"Cy"}},
		{"neq", map[string]any{"and": []any{cond(age, "neq", 25)}}, []string{"Ada", "Cy", ""}},
		{"gt", map[string]any{"and": []any{cond(age, "gt", 25)}}, []string{"Ada", ""}},
		{"gte", map[string]any{"and": []any{cond(age, "gte", 36)}}, []string{"Ada", ""}},
		{"lt", map[string]any{"and": []any{cond(age, "lt", 36)}}, []string{"Bob", "Dee"}},
		{"lte", map[string]any{"and": []any{cond(age, "lte", 36)}}, []string{"Ada", "Bob", "Dee"}},
		{"datetime gt by instant", map[string]any{"and": []any{cond(col["joined_at"], "gt", "2026-01-01T09:45:00Z")}}, []string{"Ada"}},
		{"contains text", map[string]any{"and": []any{cond(name, "contains", "e")}}, []string{"Dee"}},
		{"contains option", map[string]any{"and": []any{cond(tags, "contains", "red")}}, []string{"Ada", "Dee"}},
		{"not_contains", map[string]any{"and": []any{cond(tags, "not_contains", "red")}}, []string{"Bob", "Cy", ""}},
		{"starts_with", map[string]any{"and": []any{cond(name, "starts_with", "B")}}, []string{"Bob"}},
		{"in", map[string]any{"and": []any{cond(name, "in", []string{"Ada", "Cy"})}}, []string{"Ada", "Cy"}},
		{"not_in", map[string]any{"and": []any{cond(name, "not_in", []string{"Ada", "Cy"})}}, []string{"Bob", "Dee", ""}},
		{"is_empty", map[string]any{"and": []any{cond(name, "is_empty", nil)}}, []string{""}},
		{"is_empty array", map[string]any{"and": []any{cond(tags, "is_empty", nil)}}, []string{"Cy", ""}},
		{"is_not_empty", map[string]any{"and": []any{cond(age, "is_not_empty", nil)}}, []string{"Ada", "Bob", "Dee", ""}},
		{"or", map[string]any{"or": []any{cond(name, "eq", "Ada"), cond(age, "eq", 70)}}, []string{"Ada", ""}},
		{"nested", map[string]any{"and": []any{
			cond(age, "eq", 25),
			map[string]any{"or": []any{cond(name, "eq", "Dee"), cond(name, "eq", "Zed")}},
		}}, []string{"Dee"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			resp := c.runtime(http.MethodGet, "api/tables/"+tableID+"/records"+listQuery("filter", mustJSON(t, tc.filter)), nil)
			mustStatus(t, resp, http.StatusOK)
			is.Equal(names(t, resp.body, name), tc.want)
			is.Equal(resp.body["total"], float64(len(tc.want)))
		})
	}
}

func TestSortIsTotal(t *testing.T) {
	c, tableID, col := filterFixture(t)
	name, age := col["name"], col["age"]
	cases := []struct {
		name string
		sort []map[string]any
		want []string
	}{
		{"asc nulls first", []map[string]any{{"column_id": age, "direction": "asc"}}, []string{"Cy", "Bob", "Dee", "Ada", ""}},
		{"desc ties by id", []map[string]any{{"column_id": age, "direction": "desc"}}, []string{"", "Ada", "Bob", "Dee", "Cy"}},
		{"two keys", []map[string]any{{"column_id": age}, {"column_id": name, "direction": "desc"}}, []string{"Cy", "Dee", "Bob", "Ada", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			resp := c.runtime(http.MethodGet, "api/tables/"+tableID+"/records"+listQuery("sort", mustJSON(t, tc.sort)), nil)
			mustStatus(t, resp, http.StatusOK)
			is.Equal(names(t, resp.body, name), tc.want)
		})
	}
}

func TestFindRecordWithLimitOne(t *testing.T) {
	is := is.New(t)
	c, tableID, col := filterFixture(t)
	filter := mustJSON(t, map[string]any{"and": []any{cond(col["age"], "eq", 25)}})

	resp := c.runtime(http.MethodGet, "api/tables/"+tableID+"/records"+listQuery("filter", filter, "limit", "1"), nil)

	is.Equal(names(t, resp.body, col["name"]), []string{"Bob"})
	is.Equal(resp.body["total"], float64(2))
}
