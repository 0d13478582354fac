package teicor_test

import (
	"encoding/json"
	"testing"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func FuzzFilterJSON(f *testing.F) {
	f.Add(`{"and":[{"column_id":"c1","op":"eq","value":"x"}]}`)
	f.Add(`{"or":[{"and":[]},{"column_id":"c2","op":"in","value":[1,2]}]}`)
	f.Add(`{"column_id":"c3","op":"is_empty","value":null}`)
	f.Fuzz(func(t *testing.T, input string) {
		var filter teicor.Filter
		if err := json.Unmarshal([]byte(input), &filter); err != nil {
			return
		}
		encoded, err := json.Marshal(filter)
		if err != nil {
			t.Fatalf("marshal decoded filter: %v", err)
		}
		var again teicor.Filter
		if err := json.Unmarshal(encoded, &again); err != nil {
			t.Fatalf("decode %s: %v", encoded, err)
		}
		reencoded, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("marshal filter again: %v", err)
		}
		if string(reencoded) != string(encoded) {
			t.Fatalf("round trip changed the filter: %s became %s", encoded, reencoded)
		}
	})
}

func FuzzParseBulkCheckpoint(f *testing.F) {
	f.Add(`{"next_chunk_index":3}`)
	f.Add(`7`)
	f.Add(`"12"`)
	f.Add(`-1`)
	f.Add(`1e300`)
	f.Fuzz(func(t *testing.T, input string) {
		var value any
		if err := json.Unmarshal([]byte(input), &value); err != nil {
			return
		}
		next, err := teicor.ParseBulkCheckpoint(value)
		if err == nil && next < 0 {
			t.Fatalf("ParseBulkCheckpoint(%s) = %d, a negative chunk index", input, next)
		}
	})
}
