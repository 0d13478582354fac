package teicortest

import (
	"net/http"
	"strconv"
	"time"
)

// parseSince reads the inclusive updated_since parameter. Without one it
// returns the zero time.
func parseSince(r *http.Request) (time.Time, error) {
	raw := r.URL.Query().Get("updated_since")
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, errBadRequest("invalid updated_since %q: expected an RFC 3339 timestamp such as 2026-01-02T15:04:05.000000Z", raw)
	}
	return t, nil
}

func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, errBadRequest("invalid %s %q: expected an integer from %d to %d", name, raw, lo, hi)
	}
	return n, nil
}

type listParams struct {
	limit, offset int
	filter        *filterNode
	sort          []sortKey
}

// defaultPageSize is the page size of list_records without a limit.
const defaultPageSize = 50

func (s *Server) parseListParams(r *http.Request, t *table) (listParams, error) {
	var p listParams
	var err error
	maxLimit := s.cfg.limits.MaxPageSize
	if p.limit, err = queryInt(r, "limit", min(defaultPageSize, maxLimit), 1, maxLimit); err != nil {
		return p, err
	}
	if p.offset, err = queryInt(r, "offset", 0, 0, int(^uint(0)>>1)); err != nil {
		return p, err
	}
	if p.filter, err = parseFilter(t, []byte(r.URL.Query().Get("filter"))); err != nil {
		return p, err
	}
	if p.sort, err = parseSort(t, []byte(r.URL.Query().Get("sort"))); err != nil {
		return p, err
	}
	return p, nil
}

// listRecords pages through a table. Without a filter or sort, it slices
// the rows, which are kept in the default order, directly in O(limit).
func (s *Server) listRecords(r *http.Request) (int, any, error) {
	s.compactTable(r.PathValue("id"))

	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	p, err := s.parseListParams(r, t)
	if err != nil {
		return 0, nil, err
	}

	rows := t.liveRows()
	if p.filter != nil || len(p.sort) > 0 {
		rows = selectRows(rows, p.filter, p.sort)
	}
	total := len(rows)
	start := min(p.offset, total)
	end := min(start+p.limit, total)

	out := make([]any, 0, end-start)
	for _, rec := range rows[start:end] {
		out = append(out, t.recordView(rec))
	}
	return http.StatusOK, map[string]any{
		"records": out, "total": total, "limit": p.limit, "offset": p.offset,
	}, nil
}

// compactTable removes deleted slots of a table under the write lock, so
// the list that follows can slice rows without copying.
func (s *Server) compactTable(id string) {
	s.mu.RLock()
	t, ok := s.data.tables[id]
	dirty := ok && t.holes > 0
	s.mu.RUnlock()
	if !dirty {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.data.tables[id]; ok {
		t.compact()
	}
}

type recordRequest struct {
	Data map[string]any `json:"data"`
}

func decodeRecordRequest(r *http.Request) (map[string]any, error) {
	var req recordRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Data == nil {
		return nil, errBadRequest("missing \"data\" object keyed by column id")
	}
	return req.Data, nil
}

func (s *Server) createRecord(r *http.Request) (int, any, error) {
	data, err := decodeRecordRequest(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	rec, err := s.data.createRecord(t, data, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, t.recordView(rec), nil
}

// recordIn finds the table and record of a record route.
func (s *Server) recordIn(r *http.Request) (*table, *record, error) {
	return s.data.tableRecord(r.PathValue("id"), r.PathValue("rid"))
}

func (s *Server) getRecord(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, rec, err := s.recordIn(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t.recordView(rec), nil
}

func (s *Server) updateRecord(r *http.Request) (int, any, error) {
	data, err := decodeRecordRequest(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rec, err := s.recordIn(r)
	if err != nil {
		return 0, nil, err
	}
	if err := s.data.updateRecord(t, rec, data, s.clock.Now()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t.recordView(rec), nil
}

func (s *Server) deleteRecord(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rec, err := s.recordIn(r)
	if err != nil {
		return 0, nil, err
	}
	s.data.deleteRecord(t, rec, s.clock.Now())
	return http.StatusNoContent, nil, nil
}

// tableSyncStatus is the data gate of table sync.
func (s *Server) tableSyncStatus(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	prev := r.URL.Query().Get("if_newer_than_watermark")
	return http.StatusOK, map[string]any{
		"table_id":         t.id,
		"has_changes":      hasChanges(prev, t.dataSeq),
		"source_watermark": t.watermark(),
		"updated_at":       formatTime(t.updatedAt),
	}, nil
}
