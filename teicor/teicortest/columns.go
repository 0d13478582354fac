package teicortest

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"time"
)

// ColumnTypes lists the column types the emulator accepts.
var ColumnTypes = []string{
	"single_line_text", "long_text", "email", "url", "phone",
	"number", "boolean", "date", "datetime",
	"single_select", "multi_select", "json",
}

// maxPrecision is the largest number of decimal places a number column
// may declare.
const maxPrecision = 10

type column struct {
	id, tableID, name, colType string
	cfg                        columnConfig
	position                   int
	createdAt, updatedAt       time.Time
}

type columnConfig struct {
	unique, required bool
	options          []string
	precision        int
}

func (c *column) view() map[string]any {
	return map[string]any{
		"id":          c.id,
		"table_id":    c.tableID,
		"name":        c.name,
		"column_type": c.colType,
		"config":      c.cfg.view(),
		"position":    c.position,
		"created_at":  formatTime(c.createdAt),
		"updated_at":  formatTime(c.updatedAt),
	}
}

func (cc columnConfig) view() map[string]any {
	out := map[string]any{"unique": cc.unique, "required": cc.required}
	if cc.options != nil {
		out["options"] = slices.Clone(cc.options)
	}
	if cc.precision != 0 {
		out["precision"] = cc.precision
	}
	return out
}

// parseColumnConfig validates a config object for colType. The keys are
// unique, required, options (select types) and precision (number).
func parseColumnConfig(colType string, raw map[string]any) (columnConfig, error) {
	var cc columnConfig
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	for _, key := range keys {
		if err := cc.set(colType, key, raw[key]); err != nil {
			return columnConfig{}, err
		}
	}
	return cc, nil
}

func (cc *columnConfig) set(colType, key string, v any) error {
	var ok bool
	switch key {
	case "unique":
		cc.unique, ok = v.(bool)
	case "required":
		cc.required, ok = v.(bool)
	case "options":
		if colType != "single_select" && colType != "multi_select" {
			return errBadRequest("invalid config key \"options\" for column type %s: only select columns have options", colType)
		}
		cc.options, ok = stringList(v)
	case "precision":
		if colType != "number" {
			return errBadRequest("invalid config key \"precision\" for column type %s: only number columns have a precision", colType)
		}
		cc.precision, ok = smallInt(v, 0, maxPrecision)
	default:
		return errBadRequest("unknown column config key %q: use unique, required, options or precision", key)
	}
	if !ok {
		return errBadRequest("invalid column config %s=%v: see the column type's config keys", key, v)
	}
	return nil
}

func stringList(v any) ([]string, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func smallInt(v any, lo, hi int) (int, bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		parsed, err := n.Float64()
		if err != nil {
			return 0, false
		}
		f = parsed
	case float64:
		f = n
	default:
		return 0, false
	}
	i := int(f)
	return i, float64(i) == f && i >= lo && i <= hi
}

func validColumnType(t string) bool { return slices.Contains(ColumnTypes, t) }

// checkColumnName rejects an empty name and a name another column of t
// already has.
func (t *table) checkColumnName(name, exceptID string) error {
	if name == "" {
		return errBadRequest("missing column name")
	}
	if other := t.columnByName(name); other != nil && other.id != exceptID {
		return errConflict("column %q already exists in table %s", name, t.id)
	}
	return nil
}

// addColumn validates a column, appends it and advances the table's
// updated_at.
func (st *store) addColumn(t *table, name, colType string, rawCfg map[string]any, now time.Time) (*column, error) {
	if err := t.checkColumnName(name, ""); err != nil {
		return nil, err
	}
	if !validColumnType(colType) {
		return nil, errBadRequest("invalid column_type %q: use one of %v", colType, ColumnTypes)
	}
	cc, err := parseColumnConfig(colType, rawCfg)
	if err != nil {
		return nil, err
	}
	col := &column{
		id: st.newID("col"), tableID: t.id, name: name, colType: colType, cfg: cc,
		position: len(t.columns) + 1, createdAt: now, updatedAt: now,
	}
	t.columns = append(t.columns, col)
	if cc.unique {
		t.unique[col.id] = map[string]string{}
	}
	t.touchColumns(st, now)
	return col, nil
}

// changeColumn renames a column and replaces its config. Turning unique on
// fails with 409 when existing records share a value. A new required
// flag, option list or precision applies to later writes only. A request
// that changes nothing leaves updated_at as it is.
func (st *store) changeColumn(t *table, col *column, name *string, rawCfg map[string]any, now time.Time) error {
	if name != nil {
		if err := t.checkColumnName(*name, col.id); err != nil {
			return err
		}
	}
	cc := col.cfg
	if rawCfg != nil {
		parsed, err := parseColumnConfig(col.colType, rawCfg)
		if err != nil {
			return err
		}
		cc = parsed
	}
	if (name == nil || *name == col.name) && reflect.DeepEqual(cc, col.cfg) {
		return nil
	}

	if cc.unique && !col.cfg.unique {
		idx, err := t.buildUniqueIndex(col.id)
		if err != nil {
			return err
		}
		t.unique[col.id] = idx
	}
	if !cc.unique {
		delete(t.unique, col.id)
	}

	if name != nil {
		col.name = *name
	}
	col.cfg = cc
	col.updatedAt = now
	t.touchColumns(st, now)
	return nil
}

func (t *table) buildUniqueIndex(colID string) (map[string]string, error) {
	idx := map[string]string{}
	for _, rec := range t.liveRows() {
		v, ok := rec.data[colID]
		if !ok || v == nil {
			continue
		}
		key := valueKey(v)
		if other, dup := idx[key]; dup {
			return nil, errConflict("column %s cannot be unique: records %s and %s share the value %s", colID, other, rec.id, key)
		}
		idx[key] = rec.id
	}
	return idx, nil
}

func (st *store) removeColumn(t *table, col *column, now time.Time) {
	t.columns = slices.DeleteFunc(t.columns, func(c *column) bool { return c == col })
	delete(t.unique, col.id)
	t.renumberColumns()
	t.touchColumns(st, now)
	// Record values of the removed column stay in memory but are never
	// rendered, because views iterate over the current columns.
}
