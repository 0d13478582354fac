package teicortest

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// compareValues orders two non-null values of col: numbers numerically,
// datetimes by instant, booleans false first, anything else by text.
func compareValues(col *column, a, b any) int {
	if na, ok := a.(json.Number); ok {
		if nb, ok := b.(json.Number); ok {
			return compareNumbers(na, nb)
		}
	}
	if col.colType == "datetime" {
		ta, errA := time.Parse(time.RFC3339Nano, textOf(a))
		tb, errB := time.Parse(time.RFC3339Nano, textOf(b))
		if errA == nil && errB == nil {
			return ta.Compare(tb)
		}
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			return cmpOrdered(boolRank(ba), boolRank(bb))
		}
	}
	return strings.Compare(textOf(a), textOf(b))
}

func cmpOrdered[T int | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func textOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return valueKey(v)
}

type sortKey struct {
	col  *column
	desc bool
}

// parseSort parses [{"column_id", "direction"}]. The direction defaults
// to asc, and an empty input means the default order.
func parseSort(t *table, raw []byte) ([]sortKey, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []struct {
		ColumnID  string `json:"column_id"`
		Direction string `json:"direction"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errBadRequest(`invalid sort %s: expected [{"column_id": "...", "direction": "asc"}]`, raw)
	}
	keys := make([]sortKey, 0, len(items))
	for _, item := range items {
		col := t.columnByID(item.ColumnID)
		if col == nil {
			return nil, errBadRequest("invalid sort: column %q not found in table %s", item.ColumnID, t.id)
		}
		if item.Direction != "" && item.Direction != "asc" && item.Direction != "desc" {
			return nil, errBadRequest("invalid sort direction %q for column %s: use asc or desc", item.Direction, col.id)
		}
		keys = append(keys, sortKey{col: col, desc: item.Direction == "desc"})
	}
	return keys, nil
}

// selectRows filters rows and sorts them. Nulls sort before any value in
// ascending order. Ties go by record id, so every sort is total.
func selectRows(rows []*record, filter *filterNode, keys []sortKey) []*record {
	out := make([]*record, 0, len(rows))
	for _, rec := range rows {
		if filter == nil || filter.match(rec) {
			out = append(out, rec)
		}
	}
	if len(keys) == 0 {
		return out
	}
	sort.SliceStable(out, func(i, j int) bool {
		for _, k := range keys {
			c := compareNullable(k.col, out[i].data[k.col.id], out[j].data[k.col.id])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return out[i].id < out[j].id
	})
	return out
}

func compareNullable(col *column, a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return compareValues(col, a, b)
}
