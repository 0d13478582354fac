package teicortest_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// benchRows is the table size of the paging benchmark.
const benchRows = 1_000_000

// BenchmarkListRecordsPage lists a 1,000-record page at the start and at
// the end of a 1,000,000-record table. Both cost the same because a page
// without a filter costs O(limit), not O(offset).
func BenchmarkListRecordsPage(b *testing.B) {
	srv := teicortest.NewServer()
	defer srv.Close()
	ref, err := srv.CreateTable("bench", "rows", teicortest.ColumnSpec{Name: "n", Type: "number"})
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]map[string]any, 10_000)
	for start := 0; start < benchRows; start += len(batch) {
		for i := range batch {
			batch[i] = map[string]any{"n": start + i}
		}
		if _, err := srv.InsertRows(ref.ID, batch...); err != nil {
			b.Fatal(err)
		}
	}
	c := &client{t: b, srv: srv}
	token := c.authorityToken("read")

	for _, offset := range []int{0, benchRows - 1000} {
		url := fmt.Sprintf("%s/api/tables/%s/records?limit=1000&offset=%d", srv.RuntimeURL, ref.ID, offset)
		b.Run(fmt.Sprintf("offset=%d", offset), func(b *testing.B) {
			benchmarkGet(b, url, token)
		})
	}
}

func benchmarkGet(b *testing.B, url, token string) {
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
