package teicortest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// QueryDef is a saved query: a view over one table. Columns are column ids
// (empty selects every column, by position). Filter and Sort take the
// shapes of list_records.
type QueryDef struct {
	TableID string          `json:"table_id"`
	Columns []string        `json:"columns"`
	Filter  json.RawMessage `json:"filter"`
	Sort    json.RawMessage `json:"sort"`
}

type query struct {
	id, name, groupID    string
	def                  QueryDef
	ownedByApp           bool
	createdAt, updatedAt time.Time
	defSeq               uint64 // change counter of the last definition change
}

// effective returns the query's updated_at and watermark counter. Both
// follow the table it reads: its updated_at, its data changes and its
// column changes, because a column change can change the rows.
func (q *query) effective(st *store) (time.Time, uint64) {
	at, seq := q.updatedAt, q.defSeq
	if t, ok := st.tables[q.def.TableID]; ok {
		if t.updatedAt.After(at) {
			at = t.updatedAt
		}
		seq = max(seq, t.dataSeq, t.columnSeq)
	}
	return at, seq
}

func (q *query) view(st *store) map[string]any {
	at, _ := q.effective(st)
	columns := q.def.Columns
	if columns == nil {
		columns = []string{}
	}
	return map[string]any{
		"id":       q.id,
		"name":     q.name,
		"group_id": q.groupID,
		"definition": map[string]any{
			"table_id": q.def.TableID,
			"columns":  columns,
			"filter":   rawOrNull(q.def.Filter),
			"sort":     rawOrNull(q.def.Sort),
		},
		"created_at": formatTime(q.createdAt),
		"updated_at": formatTime(at),
	}
}

func rawOrNull(raw json.RawMessage) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	return raw
}

// checkQueryDef validates a definition against the current table.
func (st *store) checkQueryDef(def QueryDef) (*table, []*column, *filterNode, []sortKey, error) {
	t, err := st.tableByID(def.TableID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cols := slices.Clone(t.columns)
	if len(def.Columns) > 0 {
		cols = cols[:0]
		for _, id := range def.Columns {
			col := t.columnByID(id)
			if col == nil {
				return nil, nil, nil, nil, errBadRequest("query column %q not found in table %s", id, t.id)
			}
			cols = append(cols, col)
		}
	}
	filter, err := parseFilter(t, def.Filter)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	keys, err := parseSort(t, def.Sort)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return t, cols, filter, keys, nil
}

func (st *store) queryByID(id string) (*query, error) {
	q, ok := st.queries[id]
	if !ok {
		return nil, errNotFound("query %q not found", id)
	}
	return q, nil
}

// execute runs q and returns the execute_query payload. Rows are keyed by
// column name. A query whose table or columns were deleted is a 409.
// NOTE: the payload holds every matching row, without paging, because the
// contract defines no paging for query results.
func (st *store) execute(q *query, now time.Time) (map[string]any, error) {
	t, cols, filter, keys, err := st.checkQueryDef(q.def)
	if err != nil {
		return nil, errConflict("query %s can no longer run: %s", q.id, asAPIError(err).Message)
	}
	_, seq := q.effective(st)

	colViews := make([]any, 0, len(cols))
	for _, c := range cols {
		colViews = append(colViews, map[string]any{"name": c.name, "column_type": c.colType})
	}
	selected := selectRows(t.liveRows(), filter, keys)
	rows := make([]any, 0, len(selected))
	for _, rec := range selected {
		row := make(map[string]any, len(cols))
		for _, c := range cols {
			row[c.name] = rec.data[c.id]
		}
		rows = append(rows, row)
	}
	return map[string]any{
		"query_id":         q.id,
		"columns":          colViews,
		"rows":             rows,
		"source_watermark": formatWatermark(seq),
		"executed_at":      formatTime(now),
	}, nil
}

func (s *Server) listQueries(r *http.Request) (int, any, error) {
	since, err := parseSince(r)
	if err != nil {
		return 0, nil, err
	}
	includeAll, err := parseBool(r, "include_all")
	if err != nil {
		return 0, nil, err
	}
	groupID := r.URL.Query().Get("group_id")

	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]any, 0, len(s.data.queryOrder))
	for _, q := range s.data.queryOrder {
		at, _ := q.effective(s.data)
		switch {
		case !includeAll && !q.ownedByApp:
		case groupID != "" && q.groupID != groupID:
		case !since.IsZero() && at.Before(since):
		default:
			out = append(out, q.view(s.data))
		}
	}
	return http.StatusOK, map[string]any{"queries": out}, nil
}

func parseBool(r *http.Request, name string) (bool, error) {
	switch raw := r.URL.Query().Get(name); raw {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, errBadRequest("invalid %s %q: use true or false", name, raw)
	}
}

func (s *Server) getQuery(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	q, err := s.data.queryByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, q.view(s.data), nil
}

// executeQuery is a POST that only reads, so a read-scope token is
// rejected by the scope check like for any other POST.
func (s *Server) executeQuery(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	q, err := s.data.queryByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	payload, err := s.data.execute(q, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, payload, nil
}

// getQueryData is the data gate of query sync.
func (s *Server) getQueryData(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	q, err := s.data.queryByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	_, seq := q.effective(s.data)
	prev := r.URL.Query().Get("if_newer_than_watermark")
	if prev != "" && !hasChanges(prev, seq) {
		return http.StatusOK, map[string]any{
			"query_id": q.id, "unchanged": true, "source_watermark": prev,
		}, nil
	}
	payload, err := s.data.execute(q, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	payload["unchanged"] = false
	return http.StatusOK, payload, nil
}
