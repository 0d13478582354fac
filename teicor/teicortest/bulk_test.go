package teicortest_test

import (
	"net/http"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func bulkBody(onConflict string, rows ...map[string]any) map[string]any {
	records := make([]any, len(rows))
	for i, row := range rows {
		records[i] = map[string]any{"data": row}
	}
	body := map[string]any{"records": records}
	if onConflict != "" {
		body["on_conflict"] = onConflict
	}
	return body
}

// bulkFixture is a table with a unique sku and a qty, holding sku "a"
// with qty 1.
func bulkFixture(t *testing.T, opts ...teicortest.Option) (*client, teicortest.TableRef, string) {
	t.Helper()
	c := newClient(t, opts...)
	ref := newTable(t, c.srv, colSpec("sku", "single_line_text", map[string]any{"unique": true}), colSpec("qty", "number", nil))
	ids, err := c.srv.InsertRows(ref.ID, map[string]any{"sku": "a", "qty": 1})
	if err != nil {
		t.Fatalf("insert fixture row: %v", err)
	}
	return c, ref, ids[0]
}

func TestBulkOverwrite(t *testing.T) {
	is := is.New(t)
	c, ref, existing := bulkFixture(t)
	sku, qty := ref.Columns["sku"], ref.Columns["qty"]

	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("",
		map[string]any{sku: "b", qty: 2},
		map[string]any{sku: "a", qty: 10},
		map[string]any{sku: "b", qty: 3},
	))

	mustStatus(t, resp, http.StatusOK)
	is.Equal(resp.body["created"], float64(1))
	is.Equal(resp.body["updated"], float64(2))
	is.Equal(resp.body["skipped"], float64(0))
	ids := resp.body["record_ids"].([]any)
	is.Equal(len(ids), 3)
	is.Equal(ids[1], existing)
	is.Equal(ids[0], ids[2]) // the third input updates the record the first created
	rows := c.srv.Rows(ref.ID)
	is.Equal(len(rows), 2)
	is.Equal(rows[0].Values["qty"], float64(10))
	is.Equal(rows[1].Values["qty"], float64(3))
}

func TestBulkRetryIsIdempotent(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t)
	body := bulkBody("overwrite", map[string]any{ref.Columns["sku"]: "b", ref.Columns["qty"]: 2})

	first := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", body)
	second := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", body)

	is.Equal(first.body["created"], float64(1))
	is.Equal(second.body["created"], float64(0))
	is.Equal(second.body["updated"], float64(1))
	is.Equal(first.body["record_ids"], second.body["record_ids"])
	is.Equal(c.srv.RowCount(ref.ID), 2)
}

func TestBulkSkip(t *testing.T) {
	is := is.New(t)
	c, ref, existing := bulkFixture(t)

	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("skip",
		map[string]any{ref.Columns["sku"]: "a", ref.Columns["qty"]: 99},
	))

	is.Equal(resp.body["skipped"], float64(1))
	is.Equal(resp.body["record_ids"], []any{existing})
	is.Equal(c.srv.Rows(ref.ID)[0].Values["qty"], float64(1))
}

func TestBulkErrorIsAtomic(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t)
	before := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/sync-status", nil)

	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("error",
		map[string]any{ref.Columns["sku"]: "new"},
		map[string]any{ref.Columns["sku"]: "a"},
	))
	after := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/sync-status", nil)

	is.Equal(resp.status, http.StatusConflict)
	is.Equal(resp.errorDetails()["index"], float64(1))
	is.Equal(resp.errorDetails()["column_id"], ref.Columns["sku"])
	is.Equal(c.srv.RowCount(ref.ID), 1)
	is.Equal(after.body["source_watermark"], before.body["source_watermark"])
}

func TestBulkValidationIsAtomic(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t)

	resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("overwrite",
		map[string]any{ref.Columns["sku"]: "a", ref.Columns["qty"]: 5},
		map[string]any{ref.Columns["sku"]: "b", ref.Columns["qty"]: 6},
		map[string]any{ref.Columns["sku"]: "c", ref.Columns["qty"]: "seven"},
	))

	is.Equal(resp.status, http.StatusUnprocessableEntity)
	is.Equal(resp.errorDetails()["index"], float64(2))
	is.Equal(resp.errorDetails()["column_id"], ref.Columns["qty"])
	rows := c.srv.Rows(ref.ID)
	is.Equal(len(rows), 1)
	is.Equal(rows[0].Values["qty"], float64(1)) // the overwrite of "a" was rolled back
}

func TestBulkLimit(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t)
	rows := make([]map[string]any, 501)
	for i := range rows {
		rows[i] = map[string]any{ref.Columns["qty"]: i}
	}

	over := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("", rows...))
	at := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("", rows[:500]...))

	is.Equal(over.status, http.StatusRequestEntityTooLarge)
	is.Equal(over.errorCode(), "payload_too_large")
	is.Equal(at.status, http.StatusOK)
	is.Equal(c.srv.RowCount(ref.ID), 501)
}

func TestBulkCustomLimitAndBadInput(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t, teicortest.WithLimits(teicortest.Limits{MaxBulk: 2}))
	qty := ref.Columns["qty"]

	over := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("", map[string]any{qty: 1}, map[string]any{qty: 2}, map[string]any{qty: 3}))
	badMode := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", bulkBody("merge", map[string]any{qty: 1}))
	noData := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", map[string]any{"records": []any{map[string]any{}}})

	is.Equal(over.status, http.StatusRequestEntityTooLarge)
	is.Equal(badMode.status, http.StatusBadRequest)
	is.Equal(noData.status, http.StatusBadRequest)
}

func TestBulkMissingRecords(t *testing.T) {
	is := is.New(t)
	c, ref, _ := bulkFixture(t)

	missing := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", map[string]any{"on_conflict": "skip"})
	empty := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", map[string]any{"records": []any{}})

	is.Equal(missing.status, http.StatusBadRequest)
	is.Equal(empty.status, http.StatusOK)
	is.Equal(empty.body["record_ids"], []any{})
}
