package teicortest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// getRaw sends a runtime GET request and returns the response body as
// text, so that number digits are not rounded by decoding.
func (c *client) getRaw(path string) string {
	c.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, c.srv.RuntimeURL+"/"+path, nil)
	if err != nil {
		c.t.Fatalf("build request GET %s: %v", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read response of GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, raw)
	}
	return string(raw)
}

func TestNumbersKeepExactDigits(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv,
		colSpec("id", "number", map[string]any{"unique": true}),
		colSpec("price", "number", map[string]any{"precision": 2}),
		colSpec("doc", "json", nil),
	)
	id, price, doc := ref.Columns["id"], ref.Columns["price"], ref.Columns["doc"]
	base := "api/tables/" + ref.ID + "/records"
	body := `{"records": [
		{"data": {"` + id + `": 9223372036854775807, "` + price + `": 12345678901234567.89,
			"` + doc + `": {"big": 18446744073709551617}}},
		{"data": {"` + id + `": 1e3, "` + price + `": 0.10}}
	]}`
	resp := c.runtime(http.MethodPost, base+"/bulk", json.RawMessage(body))
	mustStatus(t, resp, http.StatusOK)

	list := c.getRaw(base)
	is.True(strings.Contains(list, `"`+id+`":9223372036854775807`))
	is.True(strings.Contains(list, `"`+price+`":12345678901234567.89`))
	is.True(strings.Contains(list, `"big":18446744073709551617`))
	is.True(strings.Contains(list, `"`+id+`":1000`)) // 1e3 in canonical form
	is.True(strings.Contains(list, `"`+price+`":0.1`))

	// The unique index and filters compare the exact values.
	again := c.runtime(http.MethodPost, base+"/bulk", json.RawMessage(`{"on_conflict": "error",
		"records": [{"data": {"`+id+`": 9223372036854775806}}]}`))
	mustStatus(t, again, http.StatusOK)
	conflict := c.runtime(http.MethodPost, base+"/bulk", json.RawMessage(`{"on_conflict": "error",
		"records": [{"data": {"`+id+`": 1000.0}}]}`))
	is.Equal(conflict.status, http.StatusConflict) // 1000.0 is the same value as 1e3
	filter := `{"and":[{"column_id":"` + id + `","op":"eq","value":9223372036854775807}]}`
	found := c.getRaw(base + listQuery("filter", filter))
	is.True(strings.Contains(found, `"total":1`))
	above := `{"and":[{"column_id":"` + id + `","op":"gt","value":9223372036854775806}]}`
	is.True(strings.Contains(c.getRaw(base+listQuery("filter", above)), `"total":1`))
}

func TestNumberPrecisionOnDecimalText(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("price", "number", map[string]any{"precision": 2}))
	base := "api/tables/" + ref.ID + "/records"
	cases := []struct {
		value  string
		status int
	}{
		{"0.01", http.StatusCreated},
		{"1.50", http.StatusCreated},
		{"1e-2", http.StatusCreated},
		{"0.001", http.StatusUnprocessableEntity},
		{"90071992547409.931", http.StatusUnprocessableEntity}, // float64 would round it to 2 places
	}
	for _, tc := range cases {
		resp := c.runtime(http.MethodPost, base, json.RawMessage(`{"data": {"`+ref.Columns["price"]+`": `+tc.value+`}}`))
		is.Equal(resp.status, tc.status) // value tc.value
	}
}
