package teicortest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/matryer/is"
)

func TestConcurrentWritesAndReads(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("key", "single_line_text", map[string]any{"unique": true}), colSpec("n", "number", nil))
	key, n := ref.Columns["key"], ref.Columns["n"]
	const writers, perWriter = 4, 50

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				body := bulkBody("overwrite", map[string]any{key: fmt.Sprintf("w%d-%d", w, i), n: i})
				if resp := c.runtime(http.MethodPost, "api/tables/"+ref.ID+"/records/bulk", body); resp.status != http.StatusOK {
					t.Errorf("bulk upsert: status %d", resp.status)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range perWriter {
				if resp := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/records"+listQuery("limit", "20"), nil); resp.status != http.StatusOK {
					t.Errorf("list records: status %d", resp.status)
				}
				c.srv.Rows(ref.ID)
			}
		}()
	}
	wg.Wait()

	is.Equal(c.srv.RowCount(ref.ID), writers*perWriter)
}

func TestDeletesKeepPagesConsistent(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	ids := insertNumbers(t, c.srv, ref.ID, 1000)

	for i := 0; i < 1000; i += 2 {
		is.NoErr(c.srv.DeleteRow(ref.ID, ids[i]))
	}
	resp := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/records"+listQuery("limit", "3", "offset", "10"), nil)
	got := items(t, resp.body, "records")

	is.Equal(resp.body["total"], float64(500))
	is.Equal(len(got), 3)
	is.Equal(got[0]["id"], ids[21])
	is.Equal(got[2]["id"], ids[25])
	is.Equal(len(c.srv.Rows(ref.ID)), 500)
	is.Equal(c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/records/"+ids[0], nil).status, http.StatusNotFound)
	is.Equal(c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/records/"+ids[999], nil).status, http.StatusOK)
}
