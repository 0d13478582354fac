package teicortest

import (
	"net/http"
	"slices"
	"time"
)

func (st *store) tableByID(id string) (*table, error) {
	t, ok := st.tables[id]
	if !ok {
		return nil, errNotFound("table %q not found", id)
	}
	return t, nil
}

func (st *store) checkTableName(schemaName, name, exceptID string) error {
	if name == "" {
		return errBadRequest("missing table name")
	}
	for _, t := range st.tableOrder {
		if t.schema == schemaName && t.name == name && t.id != exceptID {
			return errConflict("table %q already exists in schema %q", name, schemaName)
		}
	}
	return nil
}

func (st *store) createTable(schemaName, name string, private bool, now time.Time) (*table, error) {
	if schemaName == "" {
		return nil, errBadRequest("missing schema_name: create the schema first, then name it here")
	}
	if _, err := st.schemaByName(schemaName); err != nil {
		return nil, err
	}
	if err := st.checkTableName(schemaName, name, ""); err != nil {
		return nil, err
	}
	t := newTable(st.newID("tbl"), name, schemaName, private, now, st.nextSeq())
	st.tables[t.id] = t
	st.tableOrder = append(st.tableOrder, t)
	return t, nil
}

// changeTable renames a table or changes is_private. It is a definition
// change: updated_at advances, the watermark does not.
// A request that changes nothing leaves updated_at as it is.
func (st *store) changeTable(t *table, name *string, private *bool, now time.Time) error {
	changed := false
	if name != nil && *name != t.name {
		if err := st.checkTableName(t.schema, *name, t.id); err != nil {
			return err
		}
		t.name, changed = *name, true
	}
	if private != nil && *private != t.isPrivate {
		t.isPrivate, changed = *private, true
	}
	if changed {
		t.updatedAt = now
	}
	return nil
}

// dropTable deletes a table. Queries that read it stay, with their
// updated_at advanced, and fail to execute with 409.
func (st *store) dropTable(t *table, now time.Time) {
	delete(st.tables, t.id)
	st.tableOrder = slices.DeleteFunc(st.tableOrder, func(x *table) bool { return x == t })
	for _, q := range st.queryOrder {
		if q.def.TableID == t.id {
			q.updatedAt, q.defSeq = now, st.nextSeq()
		}
	}
}

func (s *Server) listTables(r *http.Request) (int, any, error) {
	since, err := parseSince(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]any, 0, len(s.data.tableOrder))
	for _, t := range s.data.tableOrder {
		if !since.IsZero() && t.updatedAt.Before(since) {
			continue
		}
		out = append(out, t.view())
	}
	return http.StatusOK, map[string]any{"tables": out}, nil
}

func (s *Server) createTable(r *http.Request) (int, any, error) {
	var req struct {
		Name       string `json:"name"`
		SchemaName string `json:"schema_name"`
		IsPrivate  bool   `json:"is_private"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.createTable(req.SchemaName, req.Name, req.IsPrivate, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, t.view(), nil
}

func (s *Server) getTable(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	view := t.view()
	view["columns"] = columnViews(t)
	return http.StatusOK, view, nil
}

func columnViews(t *table) []any {
	out := make([]any, 0, len(t.columns))
	for _, c := range t.columns {
		out = append(out, c.view())
	}
	return out
}

func (s *Server) updateTable(r *http.Request) (int, any, error) {
	var req struct {
		Name      *string `json:"name"`
		IsPrivate *bool   `json:"is_private"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.data.changeTable(t, req.Name, req.IsPrivate, s.clock.Now()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t.view(), nil
}

func (s *Server) deleteTable(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	s.data.dropTable(t, s.clock.Now())
	return http.StatusNoContent, nil, nil
}

func (s *Server) listColumns(r *http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"columns": columnViews(t)}, nil
}

func (s *Server) createColumn(r *http.Request) (int, any, error) {
	var req struct {
		Name       string         `json:"name"`
		ColumnType string         `json:"column_type"`
		Config     map[string]any `json:"config"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	col, err := s.data.addColumn(t, req.Name, req.ColumnType, req.Config, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, col.view(), nil
}

// columnIn finds the table and column of a column route.
func (s *Server) columnIn(r *http.Request) (*table, *column, error) {
	return s.data.tableColumn(r.PathValue("id"), r.PathValue("cid"))
}

func (s *Server) updateColumn(r *http.Request) (int, any, error) {
	var req struct {
		Name   *string        `json:"name"`
		Config map[string]any `json:"config"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, col, err := s.columnIn(r)
	if err != nil {
		return 0, nil, err
	}
	if err := s.data.changeColumn(t, col, req.Name, req.Config, s.clock.Now()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, col.view(), nil
}

func (s *Server) deleteColumn(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, col, err := s.columnIn(r)
	if err != nil {
		return 0, nil, err
	}
	s.data.removeColumn(t, col, s.clock.Now())
	return http.StatusNoContent, nil, nil
}
