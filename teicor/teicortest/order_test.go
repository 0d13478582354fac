package teicortest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// recordIDs returns the ids of a list_records response in order.
func recordIDs(t *testing.T, resp response) []string {
	t.Helper()
	records := items(t, resp.body, "records")
	ids := make([]string, len(records))
	for i, rec := range records {
		ids[i], _ = rec["id"].(string)
	}
	return ids
}

// insertOne inserts one row with sku and returns its record id.
func insertOne(t *testing.T, srv *teicortest.Server, tableID, sku string) string {
	t.Helper()
	ids, err := srv.InsertRows(tableID, map[string]any{"sku": sku})
	if err != nil {
		t.Fatalf("insert row %s: %v", sku, err)
	}
	return ids[0]
}

func TestDefaultOrderFutureDatedRow(t *testing.T) {
	is := is.New(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := teicortest.NewClock(start.Add(time.Hour))
	c := newClient(t, teicortest.WithClock(clock))
	ref := newTable(t, c.srv, colSpec("sku", "single_line_text", map[string]any{"unique": true}))
	base := "api/tables/" + ref.ID + "/records"

	future := insertOne(t, c.srv, ref.ID, "future") // dated one hour ahead
	clock.Set(start)
	first := insertOne(t, c.srv, ref.ID, "first")
	second := insertOne(t, c.srv, ref.ID, "second") // same created_at as first
	clock.Set(start.Add(2 * time.Hour))
	last := insertOne(t, c.srv, ref.ID, "last")
	c.token = c.authorityToken("write") // the first token expired with the clock move
	want := []string{first, second, future, last}

	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base, nil)), want)
	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base+listQuery("limit", "2", "offset", "1"), nil)), want[1:3])
	filter := `{"and":[{"column_id":"` + ref.Columns["sku"] + `","op":"neq","value":"last"}]}`
	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base+listQuery("filter", filter), nil)), want[:3])

	rows := c.srv.Rows(ref.ID)
	is.Equal(len(rows), 4)
	for i, row := range rows {
		is.Equal(row.ID, want[i]) // Rows uses the default order
	}

	mustStatus(t, c.runtime(http.MethodDelete, base+"/"+first, nil), http.StatusNoContent)
	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base, nil)), []string{second, future, last})
	is.Equal(c.runtime(http.MethodGet, base+"/"+future, nil).status, http.StatusOK)
}

func TestBulkRollbackOfSortedInsert(t *testing.T) {
	is := is.New(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := teicortest.NewClock(start.Add(time.Hour))
	c := newClient(t, teicortest.WithClock(clock))
	ref := newTable(t, c.srv, colSpec("sku", "single_line_text", map[string]any{"unique": true}))
	sku := ref.Columns["sku"]
	base := "api/tables/" + ref.ID + "/records"
	future := insertOne(t, c.srv, ref.ID, "future")
	clock.Set(start)

	// "new" goes before the future-dated row, then "future" conflicts, so
	// the whole request rolls back.
	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk",
		bulkBody("error", map[string]any{sku: "new"}, map[string]any{sku: "future"}))
	is.Equal(resp.status, http.StatusConflict)
	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base, nil)), []string{future})
	is.Equal(c.runtime(http.MethodGet, base+"/"+future, nil).status, http.StatusOK)

	added := insertOne(t, c.srv, ref.ID, "new")
	is.Equal(recordIDs(t, c.runtime(http.MethodGet, base, nil)), []string{added, future})
}
