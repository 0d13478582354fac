package teicor_test

import (
	"encoding/json"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestParseBulkCheckpoint(t *testing.T) {
	cases := []struct {
		name    string
		value   any
		want    int
		wantErr bool
	}{
		{"nil", nil, 0, false},
		{"object", map[string]any{"next_chunk_index": json.Number("7")}, 7, false},
		{"json number", json.Number("3"), 3, false},
		{"float", float64(4), 4, false},
		{"int", 5, 5, false},
		{"digits", "12", 12, false},
		{"fraction", 1.5, 0, true},
		{"negative", json.Number("-1"), 0, true},
		{"words", "next", 0, true},
		{"object without field", map[string]any{"chunk": 1}, 0, true},
		{"bool", true, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got, err := teicor.ParseBulkCheckpoint(tc.value)
			is.Equal(err != nil, tc.wantErr)
			is.Equal(got, tc.want)
		})
	}
}
