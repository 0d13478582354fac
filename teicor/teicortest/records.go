package teicortest

import (
	"maps"
	"slices"
	"sort"
	"time"
)

// prepareData validates input data keyed by column id and returns the
// stored form. index is the input's position in a bulk request, or -1.
// When creating, every required column must have a non-null value.
func (t *table) prepareData(data map[string]any, index int, creating bool) (map[string]any, error) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	out := make(map[string]any, len(data))
	for _, colID := range keys {
		col := t.columnByID(colID)
		if col == nil {
			return nil, errValidation(index, colID, "unknown column: use a column id from list_columns")
		}
		v, reason := checkValue(col, data[colID])
		if reason != "" {
			return nil, errValidation(index, colID, reason)
		}
		out[colID] = v
	}
	if creating {
		for _, col := range t.columns {
			if col.cfg.required && out[col.id] == nil {
				return nil, errValidation(index, col.id, "required")
			}
		}
	}
	return out, nil
}

// findUnique returns the ids of the records, other than exceptID, that
// hold one of data's values in a unique column, and the first such
// column id.
func (t *table) findUnique(data map[string]any, exceptID string) ([]string, string) {
	var ids []string
	var firstCol string
	for _, col := range t.columns {
		idx, ok := t.unique[col.id]
		v, present := data[col.id]
		if !ok || !present || v == nil {
			continue
		}
		id, hit := idx[valueKey(v)]
		if !hit || id == exceptID || containsString(ids, id) {
			continue
		}
		if firstCol == "" {
			firstCol = col.id
		}
		ids = append(ids, id)
	}
	return ids, firstCol
}

func containsString(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

func (t *table) indexUnique(rec *record, add bool) {
	for colID, idx := range t.unique {
		v, ok := rec.data[colID]
		if !ok || v == nil {
			continue
		}
		if add {
			idx[valueKey(v)] = rec.id
		} else if idx[valueKey(v)] == rec.id {
			delete(idx, valueKey(v))
		}
	}
}

// insert adds rec at its place in the default order, by (created_at, id).
// Ids grow with each insert, so a record that is not dated before the
// last record is appended in O(1). An earlier date, which only a clock
// moved back produces, costs a compaction, a binary search and a copy.
// The caller has validated rec and checked uniqueness.
func (t *table) insert(rec *record) {
	defer t.indexUnique(rec, true)
	last := t.lastLive()
	if last == nil || !recordBefore(rec, last) {
		t.index[rec.id] = len(t.rows)
		t.rows = append(t.rows, rec)
		return
	}
	t.compact()
	at := sort.Search(len(t.rows), func(i int) bool { return recordBefore(rec, t.rows[i]) })
	t.rows = slices.Insert(t.rows, at, rec)
	t.reindexFrom(at)
}

// undoInsert removes a record that insert added, to roll back a request. Rollbacks
// undo the inserts of a request in reverse order, so an appended record
// is the last slot and its removal is O(1).
func (t *table) undoInsert(rec *record) {
	t.indexUnique(rec, false)
	at := t.index[rec.id]
	delete(t.index, rec.id)
	t.rows = slices.Delete(t.rows, at, at+1)
	t.reindexFrom(at)
}

// recordBefore reports whether a comes before b in the default order.
func recordBefore(a, b *record) bool {
	if c := a.createdAt.Compare(b.createdAt); c != 0 {
		return c < 0
	}
	return a.id < b.id
}

// lastLive returns the last record in rows, or nil when there is none.
func (t *table) lastLive() *record {
	for i := len(t.rows) - 1; i >= 0; i-- {
		if t.rows[i] != nil {
			return t.rows[i]
		}
	}
	return nil
}

func (t *table) reindexFrom(start int) {
	for i := start; i < len(t.rows); i++ {
		if rec := t.rows[i]; rec != nil {
			t.index[rec.id] = i
		}
	}
}

// merge sets the given columns of rec and returns a function that undoes
// the change, for a rollback.
func (t *table) merge(rec *record, data map[string]any, now time.Time) func() {
	oldData, oldUpdated := rec.data, rec.updatedAt
	t.indexUnique(rec, false)
	merged := maps.Clone(rec.data)
	maps.Copy(merged, data)
	rec.data, rec.updatedAt = merged, now
	t.indexUnique(rec, true)

	return func() {
		t.indexUnique(rec, false)
		rec.data, rec.updatedAt = oldData, oldUpdated
		t.indexUnique(rec, true)
	}
}

func (t *table) remove(rec *record) {
	t.indexUnique(rec, false)
	t.rows[t.index[rec.id]] = nil
	delete(t.index, rec.id)
	t.holes++
	// Compact once a quarter of the slots are empty, so deletes cost
	// amortized O(1) and pages stay cheap to slice.
	if t.holes > 64 && t.holes*4 > len(t.rows) {
		t.compact()
	}
}

// createRecord validates data and adds a record. A value another record
// holds in a unique column is a 409.
func (st *store) createRecord(t *table, data map[string]any, now time.Time) (*record, error) {
	clean, err := t.prepareData(data, -1, true)
	if err != nil {
		return nil, err
	}
	if ids, colID := t.findUnique(clean, ""); len(ids) > 0 {
		return nil, errConflict("record %s already has this value in unique column %s", ids[0], colID)
	}
	rec := &record{id: st.newID("rec"), data: clean, createdAt: now, updatedAt: now}
	t.insert(rec)
	t.touchData(st, now)
	return rec, nil
}

// updateRecord sets the given columns of rec.
func (st *store) updateRecord(t *table, rec *record, data map[string]any, now time.Time) error {
	clean, err := t.prepareData(data, -1, false)
	if err != nil {
		return err
	}
	if ids, colID := t.findUnique(clean, rec.id); len(ids) > 0 {
		return errConflict("record %s already has this value in unique column %s", ids[0], colID)
	}
	t.merge(rec, clean, now)
	t.touchData(st, now)
	return nil
}

func (st *store) deleteRecord(t *table, rec *record, now time.Time) {
	t.remove(rec)
	t.touchData(st, now)
}
