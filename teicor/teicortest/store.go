package teicortest

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// store is the emulator's data. Callers hold Server.mu for every access.
type store struct {
	seq    uint64 // change counter behind watermarks
	nextID uint64

	schemas     map[string]*schema // by name
	schemaOrder []*schema
	tables      map[string]*table // by id
	tableOrder  []*table
	queries     map[string]*query // by id
	queryOrder  []*query

	coreState     map[string]any
	coreUpdatedAt time.Time
}

func newStore() *store {
	return &store{
		schemas:   map[string]*schema{},
		tables:    map[string]*table{},
		queries:   map[string]*query{},
		coreState: map[string]any{},
	}
}

func (st *store) nextSeq() uint64 {
	st.seq++
	return st.seq
}

// newID returns a fresh id with prefix. The zero-padded counter makes ids
// of one kind sort in insertion order.
func (st *store) newID(prefix string) string {
	st.nextID++
	return fmt.Sprintf("%s_%010d", prefix, st.nextID)
}

type schema struct {
	name                 string
	createdAt, updatedAt time.Time
}

func (sc *schema) view() map[string]any {
	return map[string]any{
		"name":       sc.name,
		"created_at": formatTime(sc.createdAt),
		"updated_at": formatTime(sc.updatedAt),
	}
}

type record struct {
	id                   string
	data                 map[string]any // by column id
	createdAt, updatedAt time.Time
}

// table keeps its records in a slice in the default order, by (created_at,
// id), plus an id index.
// A delete leaves a nil slot, and compact removes the slots later, so a
// list without a filter can slice a page in O(limit).
type table struct {
	id, name, schema     string
	isPrivate            bool
	createdAt, updatedAt time.Time

	columns []*column // by position

	rows   []*record
	index  map[string]int               // record id -> position in rows
	unique map[string]map[string]string // column id -> value key -> record id
	holes  int                          // nil slots in rows

	dataSeq   uint64 // change counter of the last record change
	columnSeq uint64 // change counter of the last column change
}

func newTable(id, name, schemaName string, private bool, now time.Time, seq uint64) *table {
	return &table{
		id: id, name: name, schema: schemaName, isPrivate: private,
		createdAt: now, updatedAt: now,
		index:   map[string]int{},
		unique:  map[string]map[string]string{},
		dataSeq: seq, columnSeq: seq,
	}
}

func (t *table) rowCount() int { return len(t.rows) - t.holes }

func (t *table) watermark() string { return formatWatermark(t.dataSeq) }

func (t *table) view() map[string]any {
	return map[string]any{
		"id":          t.id,
		"name":        t.name,
		"schema_name": t.schema,
		"is_private":  t.isPrivate,
		"row_count":   t.rowCount(),
		"created_at":  formatTime(t.createdAt),
		"updated_at":  formatTime(t.updatedAt),
	}
}

func (t *table) columnByID(id string) *column {
	for _, c := range t.columns {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (t *table) columnByName(name string) *column {
	for _, c := range t.columns {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (t *table) record(id string) *record {
	i, ok := t.index[id]
	if !ok {
		return nil
	}
	return t.rows[i]
}

// recordView renders a record with one entry per current column, null
// where the record has no value.
func (t *table) recordView(rec *record) map[string]any {
	data := make(map[string]any, len(t.columns))
	for _, c := range t.columns {
		data[c.id] = rec.data[c.id]
	}
	return map[string]any{
		"id":         rec.id,
		"data":       data,
		"created_at": formatTime(rec.createdAt),
		"updated_at": formatTime(rec.updatedAt),
	}
}

// touchData records a record change: updated_at and the watermark advance.
func (t *table) touchData(st *store, now time.Time) {
	t.updatedAt = now
	t.dataSeq = st.nextSeq()
}

// touchColumns records a column change: updated_at advances, the
// watermark does not.
func (t *table) touchColumns(st *store, now time.Time) {
	t.updatedAt = now
	t.columnSeq = st.nextSeq()
}

func (t *table) renumberColumns() {
	sort.SliceStable(t.columns, func(i, j int) bool { return t.columns[i].position < t.columns[j].position })
	for i, c := range t.columns {
		c.position = i + 1
	}
}

// compact removes the nil slots left by deletes and rebuilds the index.
func (t *table) compact() {
	if t.holes == 0 {
		return
	}
	live := make([]*record, 0, t.rowCount())
	for _, rec := range t.rows {
		if rec != nil {
			t.index[rec.id] = len(live)
			live = append(live, rec)
		}
	}
	t.rows = live
	t.holes = 0
}

// liveRows returns the records in the default order without changing the
// table, so it is safe under the read lock.
func (t *table) liveRows() []*record {
	if t.holes == 0 {
		return t.rows
	}
	live := make([]*record, 0, t.rowCount())
	for _, rec := range t.rows {
		if rec != nil {
			live = append(live, rec)
		}
	}
	return live
}

func formatWatermark(seq uint64) string { return "w1." + strconv.FormatUint(seq, 10) }

// parseWatermark returns the counter of a watermark and false for a value
// that this server did not issue.
func parseWatermark(w string) (uint64, bool) {
	if len(w) < 4 || w[:3] != "w1." {
		return 0, false
	}
	n, err := strconv.ParseUint(w[3:], 10, 64)
	return n, err == nil
}

// hasChanges reports whether data at watermark current is newer than the
// watermark prev that a client sent. An empty, foreign or future prev
// counts as changed.
func hasChanges(prev string, current uint64) bool {
	n, ok := parseWatermark(prev)
	if !ok || n > current {
		return true
	}
	return n < current
}
