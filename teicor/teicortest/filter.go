package teicortest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// FilterOps lists the filter operators the emulator accepts.
var FilterOps = []string{
	"eq", "neq", "gt", "gte", "lt", "lte", "contains", "not_contains",
	"starts_with", "in", "not_in", "is_empty", "is_not_empty",
}

// filterNode is a condition (col set) or a group of children joined by
// "and" or "or".
type filterNode struct {
	join     string
	children []*filterNode
	col      *column
	op       string
	value    any
}

type rawFilter struct {
	And      []json.RawMessage `json:"and"`
	Or       []json.RawMessage `json:"or"`
	ColumnID *string           `json:"column_id"`
	Op       string            `json:"op"`
	Value    any               `json:"value"`
}

// parseFilter parses a filter expression against t's columns. An empty
// input means no filter.
func parseFilter(t *table, raw []byte) (*filterNode, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return parseFilterNode(t, raw, true)
}

func parseFilterNode(t *table, raw []byte, top bool) (*filterNode, error) {
	var rf rawFilter
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&rf); err != nil {
		return nil, errBadRequest("invalid filter %s: %v", raw, err)
	}
	switch {
	case rf.And != nil && rf.Or == nil:
		return parseGroup(t, "and", rf.And)
	case rf.Or != nil && rf.And == nil:
		return parseGroup(t, "or", rf.Or)
	case rf.ColumnID != nil && !top:
		return parseCondition(t, rf)
	}
	return nil, errBadRequest(`invalid filter %s: expected {"and": [...]} or {"or": [...]} with conditions {"column_id", "op", "value"}`, raw)
}

func parseGroup(t *table, join string, items []json.RawMessage) (*filterNode, error) {
	node := &filterNode{join: join}
	for _, item := range items {
		child, err := parseFilterNode(t, item, false)
		if err != nil {
			return nil, err
		}
		node.children = append(node.children, child)
	}
	return node, nil
}

func parseCondition(t *table, rf rawFilter) (*filterNode, error) {
	col := t.columnByID(*rf.ColumnID)
	if col == nil {
		return nil, errBadRequest("invalid filter: column %q not found in table %s", *rf.ColumnID, t.id)
	}
	if !slices.Contains(FilterOps, rf.Op) {
		return nil, errBadRequest("invalid filter op %q: use one of %v", rf.Op, FilterOps)
	}
	value := normalizeJSON(rf.Value)
	if rf.Op == "in" || rf.Op == "not_in" {
		if _, ok := value.([]any); !ok {
			return nil, errBadRequest("invalid filter: op %s on column %s needs an array value", rf.Op, col.id)
		}
	}
	return &filterNode{col: col, op: rf.Op, value: value}, nil
}

func (n *filterNode) match(rec *record) bool {
	if n.col != nil {
		return matchCondition(n.col, n.op, rec.data[n.col.id], n.value)
	}
	for _, child := range n.children {
		ok := child.match(rec)
		if n.join == "or" && ok {
			return true
		}
		if n.join == "and" && !ok {
			return false
		}
	}
	return n.join == "and"
}

// matchCondition evaluates one condition. Text comparisons are
// case-sensitive. On a multi_select column, contains and in test
// membership of the options.
func matchCondition(col *column, op string, have, want any) bool {
	switch op {
	case "eq":
		return valueKey(have) == valueKey(want)
	case "neq":
		return valueKey(have) != valueKey(want)
	case "gt", "gte", "lt", "lte":
		return have != nil && want != nil && compareOp(op, compareValues(col, have, want))
	case "contains":
		return containsValue(have, want)
	case "not_contains":
		return !containsValue(have, want)
	case "starts_with":
		s, ok1 := have.(string)
		prefix, ok2 := want.(string)
		return ok1 && ok2 && strings.HasPrefix(s, prefix)
	case "in":
		return inValues(have, want)
	case "not_in":
		return !inValues(have, want)
	case "is_empty":
		return isEmpty(have)
	}
	return !isEmpty(have) // is_not_empty
}

func compareOp(op string, c int) bool {
	switch op {
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0
}

func containsValue(have, want any) bool {
	switch h := have.(type) {
	case string:
		w, ok := want.(string)
		return ok && strings.Contains(h, w)
	case []any:
		for _, item := range h {
			if valueKey(item) == valueKey(want) {
				return true
			}
		}
	}
	return false
}

func inValues(have, want any) bool {
	for _, w := range want.([]any) {
		if valueKey(have) == valueKey(w) || containsValue(have, w) {
			return true
		}
	}
	return false
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}
