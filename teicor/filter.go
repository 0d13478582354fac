package teicor

import (
	"encoding/json"
	"fmt"
)

// FilterOp is a comparison of a filter condition.
type FilterOp string

// Filter operators.
const (
	OpEq          FilterOp = "eq"
	OpNeq         FilterOp = "neq"
	OpGt          FilterOp = "gt"
	OpGte         FilterOp = "gte"
	OpLt          FilterOp = "lt"
	OpLte         FilterOp = "lte"
	OpContains    FilterOp = "contains"
	OpNotContains FilterOp = "not_contains"
	OpStartsWith  FilterOp = "starts_with"
	OpIn          FilterOp = "in"
	OpNotIn       FilterOp = "not_in"
	OpIsEmpty     FilterOp = "is_empty"
	OpIsNotEmpty  FilterOp = "is_not_empty"
)

// FilterOps returns every filter operator (the SDK's FILTER_OPS).
func FilterOps() []FilterOp {
	return []FilterOp{
		OpEq, OpNeq, OpGt, OpGte, OpLt, OpLte, OpContains, OpNotContains,
		OpStartsWith, OpIn, OpNotIn, OpIsEmpty, OpIsNotEmpty,
	}
}

// Valid reports whether op is one of FilterOps.
func (op FilterOp) Valid() bool {
	for _, known := range FilterOps() {
		if op == known {
			return true
		}
	}
	return false
}

// Filter is a record filter: a group that all (And) or any (Or) of its
// items must match, or one condition on a column (Cond). Build it with
// And, Or and Cond. Its JSON form is {"and": [...]}, {"or": [...]} or
// {"column_id", "op", "value"}.
type Filter struct {
	and      []Filter
	or       []Filter
	columnID string
	op       FilterOp
	value    any
}

// And returns a filter that matches when every item matches.
func And(items ...Filter) Filter { return Filter{and: nonNil(items)} }

// Or returns a filter that matches when any item matches.
func Or(items ...Filter) Filter { return Filter{or: nonNil(items)} }

// Cond returns a condition that compares a column with value. is_empty and
// is_not_empty ignore value.
func Cond(columnID string, op FilterOp, value any) Filter {
	return Filter{columnID: columnID, op: op, value: value}
}

func nonNil(items []Filter) []Filter {
	if items == nil {
		return []Filter{}
	}
	return items
}

type filterGroupAnd struct {
	And []Filter `json:"and"`
}

type filterGroupOr struct {
	Or []Filter `json:"or"`
}

type filterCond struct {
	ColumnID string   `json:"column_id"`
	Op       FilterOp `json:"op"`
	Value    any      `json:"value"`
}

// MarshalJSON encodes the filter in the API's shape.
func (f Filter) MarshalJSON() ([]byte, error) {
	switch {
	case f.and != nil:
		return json.Marshal(filterGroupAnd{And: f.and})
	case f.or != nil:
		return json.Marshal(filterGroupOr{Or: f.or})
	}
	return json.Marshal(filterCond{ColumnID: f.columnID, Op: f.op, Value: f.value})
}

// UnmarshalJSON decodes a filter from the API's shape.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var raw struct {
		And      []Filter `json:"and"`
		Or       []Filter `json:"or"`
		ColumnID string   `json:"column_id"`
		Op       FilterOp `json:"op"`
		Value    any      `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	switch {
	case raw.And != nil:
		*f = And(raw.And...)
	case raw.Or != nil:
		*f = Or(raw.Or...)
	default:
		*f = Cond(raw.ColumnID, raw.Op, raw.Value)
	}
	return nil
}

// Validate checks every condition: a column id is set and the operator is
// one of FilterOps.
func (f Filter) Validate() error {
	for _, items := range [][]Filter{f.and, f.or} {
		for _, item := range items {
			if err := item.Validate(); err != nil {
				return err
			}
		}
	}
	if f.and != nil || f.or != nil {
		return nil
	}
	if f.columnID == "" {
		return fmt.Errorf("invalid filter condition: missing column id. Build conditions with Cond(columnID, op, value)")
	}
	if !f.op.Valid() {
		return fmt.Errorf("invalid filter operator %q on column %q: use one of FilterOps(), such as %q", f.op, f.columnID, OpEq)
	}
	return nil
}

// Sort orders records by one column. The API appends the record id to every
// sort, so the order is total.
type Sort struct {
	ColumnID string `json:"column_id"`
	// Direction is "asc" or "desc".
	Direction string `json:"direction"`
}

// Sort directions.
const (
	SortAsc  = "asc"
	SortDesc = "desc"
)

// Asc sorts by a column in ascending order.
func Asc(columnID string) Sort { return Sort{ColumnID: columnID, Direction: SortAsc} }

// Desc sorts by a column in descending order.
func Desc(columnID string) Sort { return Sort{ColumnID: columnID, Direction: SortDesc} }

func (s Sort) validate() error {
	if s.ColumnID == "" {
		return fmt.Errorf("invalid sort: missing column id. Build sorts with Asc(columnID) or Desc(columnID)")
	}
	if s.Direction != SortAsc && s.Direction != SortDesc {
		return fmt.Errorf("invalid sort direction %q on column %q: use %q or %q", s.Direction, s.ColumnID, SortAsc, SortDesc)
	}
	return nil
}
