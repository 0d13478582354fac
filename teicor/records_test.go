package teicor_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// pagedRecords serves list_records over total records with ids r0, r1, …
func pagedRecords(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		records := []any{}
		for i := offset; i < min(offset+limit, total); i++ {
			records = append(records, map[string]any{"id": "r" + strconv.Itoa(i), "data": map[string]any{"n": i}})
		}
		writeJSON(w, http.StatusOK, map[string]any{"records": records, "total": total, "limit": limit, "offset": offset})
	}
}

func TestRecordPagesReadsEveryPage(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, pagedRecords(2500))
	c := f.client(t)

	var ids []string
	for page, err := range c.RecordPages(context.Background(), "t1", teicor.ListRecordsOptions{}) {
		is.NoErr(err)
		for _, rec := range page.Records {
			ids = append(ids, rec.ID)
		}
	}
	is.Equal(len(ids), 2500)
	is.Equal(ids[2499], "r2499")
	requests := f.runtimeRequests()
	is.Equal(len(requests), 3) // stops after the short third page
	is.Equal(requests[2].RawQuery, "limit=1000&offset=2000")
}

func TestRecordPagesStopsWhenConsumerStops(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, pagedRecords(5000))
	c := f.client(t)
	for _, err := range c.RecordPages(context.Background(), "t1", teicor.ListRecordsOptions{Limit: 10}) {
		is.NoErr(err)
		break
	}
	is.Equal(len(f.runtimeRequests()), 1)
}

func TestRecordNumbersStayExact(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"r1","data":{"big":9007199254740993,"price":12.30}}`))
	})
	rec, err := f.client(t).GetRecord(context.Background(), "t1", "r1")
	is.NoErr(err)
	is.Equal(rec.Data["big"], json.Number("9007199254740993")) // beyond float64 precision
	is.Equal(rec.Data["price"], json.Number("12.30"))
}

func TestListRecordsRejectsBadOptions(t *testing.T) {
	bad := teicor.Filter{}
	cases := []struct {
		name string
		opts teicor.ListRecordsOptions
		want string
	}{
		{"limit above max", teicor.ListRecordsOptions{Limit: 1001}, "invalid limit 1001"},
		{"negative offset", teicor.ListRecordsOptions{Offset: -1}, "invalid offset -1"},
		{"unknown operator", teicor.ListRecordsOptions{Filter: ptr(teicor.Cond("c1", "like", "x"))}, `invalid filter operator "like"`},
		{"empty condition", teicor.ListRecordsOptions{Filter: &bad}, "missing column id"},
		{"bad direction", teicor.ListRecordsOptions{Sort: []teicor.Sort{{ColumnID: "c1", Direction: "up"}}}, `invalid sort direction "up"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := newFakeAPI(t, pagedRecords(1))
			_, err := f.client(t).ListRecords(context.Background(), "t1", tc.opts)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tc.want))
			is.Equal(len(f.runtimeRequests()), 0) // rejected before sending
		})
	}
}

func TestBulkUpsertRejectsOversizedChunk(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, pagedRecords(1))
	records := make([]teicor.RecordData, teicor.MaxBulkChunk+1)
	_, err := f.client(t).BulkUpsert(context.Background(), "t1", records, teicor.OnConflictOverwrite)
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "501 records exceed the limit of 500"))
	is.Equal(len(f.runtimeRequests()), 0) // rejected before sending
}

func TestMissingIDsRejected(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, pagedRecords(1))
	c := f.client(t)
	ctx := context.Background()
	_, err := c.GetRecord(ctx, "t1", "")
	is.True(strings.Contains(err.Error(), "missing record id"))
	_, err = c.GetTable(ctx, "")
	is.True(strings.Contains(err.Error(), "missing table id"))
	is.Equal(len(f.runtimeRequests()), 0)
}

func TestFilterJSONRoundTrip(t *testing.T) {
	is := is.New(t)
	filter := teicor.And(
		teicor.Cond("c1", teicor.OpIn, []string{"a", "b"}),
		teicor.Or(teicor.Cond("c2", teicor.OpIsEmpty, nil), teicor.Cond("c3", teicor.OpGte, 5)),
	)
	b, err := json.Marshal(filter)
	is.NoErr(err)
	want := `{"and":[{"column_id":"c1","op":"in","value":["a","b"]},` +
		`{"or":[{"column_id":"c2","op":"is_empty","value":null},{"column_id":"c3","op":"gte","value":5}]}]}`
	is.Equal(string(b), want)

	var back teicor.Filter
	is.NoErr(json.Unmarshal(b, &back))
	again, err := json.Marshal(back)
	is.NoErr(err)
	is.Equal(string(again), want)
	is.NoErr(back.Validate())
}

func ptr[T any](v T) *T { return &v }
