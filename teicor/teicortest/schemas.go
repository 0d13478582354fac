package teicortest

import (
	"net/http"
	"slices"
	"time"
)

func (st *store) createSchema(name string, now time.Time) (*schema, error) {
	if name == "" {
		return nil, errBadRequest("missing schema name")
	}
	if _, ok := st.schemas[name]; ok {
		return nil, errConflict("schema %q already exists", name)
	}
	sc := &schema{name: name, createdAt: now, updatedAt: now}
	st.schemas[name] = sc
	st.schemaOrder = append(st.schemaOrder, sc)
	return sc, nil
}

func (st *store) schemaByName(name string) (*schema, error) {
	sc, ok := st.schemas[name]
	if !ok {
		return nil, errNotFound("schema %q not found", name)
	}
	return sc, nil
}

// renameSchema renames a schema. Its tables change schema_name, which is a
// definition change: their updated_at advances, their watermarks do not.
func (st *store) renameSchema(sc *schema, newName string, now time.Time) error {
	if newName == "" {
		return errBadRequest("missing new schema name in \"name\"")
	}
	if newName == sc.name {
		return nil
	}
	if _, ok := st.schemas[newName]; ok {
		return errConflict("schema %q already exists", newName)
	}
	delete(st.schemas, sc.name)
	for _, t := range st.tableOrder {
		if t.schema == sc.name {
			t.schema = newName
			t.updatedAt = now
		}
	}
	sc.name, sc.updatedAt = newName, now
	st.schemas[newName] = sc
	return nil
}

func (st *store) deleteSchema(sc *schema) error {
	for _, t := range st.tableOrder {
		if t.schema == sc.name {
			return errConflict("schema %q still has table %q: delete its tables first", sc.name, t.name)
		}
	}
	delete(st.schemas, sc.name)
	st.schemaOrder = slices.DeleteFunc(st.schemaOrder, func(x *schema) bool { return x == sc })
	return nil
}

func (s *Server) listSchemas(*http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]any, 0, len(s.data.schemaOrder))
	for _, sc := range s.data.schemaOrder {
		out = append(out, sc.view())
	}
	return http.StatusOK, map[string]any{"schemas": out}, nil
}

func (s *Server) createSchema(r *http.Request) (int, any, error) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, err := s.data.createSchema(req.Name, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, sc.view(), nil
}

func (s *Server) updateSchema(r *http.Request) (int, any, error) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, err := s.data.schemaByName(r.PathValue("name"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.data.renameSchema(sc, req.Name, s.clock.Now()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, sc.view(), nil
}

func (s *Server) deleteSchema(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, err := s.data.schemaByName(r.PathValue("name"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.data.deleteSchema(sc); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
