package teicortest

import (
	"fmt"
	"time"
)

// The admin helpers change the data directly, without HTTP or auth. They
// validate like the API and advance updated_at and watermarks exactly as
// the matching API calls do. Their errors carry the API's messages.

// ColumnSpec describes a column for CreateTable, AddColumn and seeds.
type ColumnSpec struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`   // a column_type, for example "number"
	Config map[string]any `json:"config"` // unique, required, options, precision
}

// TableRef identifies a table created by an admin helper.
type TableRef struct {
	ID      string
	Columns map[string]string // column name -> column id
}

// Row is a copy of one record, with values keyed by column name. Numbers
// are float64, multi_select values []any, as encoding/json decodes them,
// so a number beyond float64 precision is rounded here but not in the API.
type Row struct {
	ID                   string
	Values               map[string]any
	CreatedAt, UpdatedAt time.Time
}

// CreateSchema creates a schema.
func (s *Server) CreateSchema(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.data.createSchema(name, s.clock.Now())
	return err
}

// CreateTable creates a table with cols, creating the schema first if it
// does not exist.
func (s *Server) CreateTable(schemaName, name string, cols ...ColumnSpec) (TableRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createTableLocked(schemaName, name, cols)
}

func (s *Server) createTableLocked(schemaName, name string, cols []ColumnSpec) (TableRef, error) {
	now := s.clock.Now()
	if _, ok := s.data.schemas[schemaName]; !ok {
		if _, err := s.data.createSchema(schemaName, now); err != nil {
			return TableRef{}, err
		}
	}
	t, err := s.data.createTable(schemaName, name, false, now)
	if err != nil {
		return TableRef{}, err
	}
	ref := TableRef{ID: t.id, Columns: map[string]string{}}
	for _, spec := range cols {
		col, err := s.addColumnSpec(t, spec, now)
		if err != nil {
			s.data.dropTable(t, now)
			return TableRef{}, fmt.Errorf("table %s.%s: %w", schemaName, name, err)
		}
		ref.Columns[col.name] = col.id
	}
	return ref, nil
}

func (s *Server) addColumnSpec(t *table, spec ColumnSpec, now time.Time) (*column, error) {
	cfg, err := toJSONValue(spec.Config)
	if err != nil {
		return nil, err
	}
	rawCfg, _ := cfg.(map[string]any)
	return s.data.addColumn(t, spec.Name, spec.Type, rawCfg, now)
}

// AddColumn adds a column to a table and returns its id.
func (s *Server) AddColumn(tableID string, spec ColumnSpec) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(tableID)
	if err != nil {
		return "", err
	}
	col, err := s.addColumnSpec(t, spec, s.clock.Now())
	if err != nil {
		return "", err
	}
	return col.id, nil
}

// RenameColumn renames a column, a definition change.
func (s *Server) RenameColumn(tableID, columnID, newName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, col, err := s.data.tableColumn(tableID, columnID)
	if err != nil {
		return err
	}
	return s.data.changeColumn(t, col, &newName, nil, s.clock.Now())
}

// DeleteColumn deletes a column, a definition change.
func (s *Server) DeleteColumn(tableID, columnID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, col, err := s.data.tableColumn(tableID, columnID)
	if err != nil {
		return err
	}
	s.data.removeColumn(t, col, s.clock.Now())
	return nil
}

func (st *store) tableColumn(tableID, columnID string) (*table, *column, error) {
	t, err := st.tableByID(tableID)
	if err != nil {
		return nil, nil, err
	}
	col := t.columnByID(columnID)
	if col == nil {
		return nil, nil, errNotFound("column %q not found in table %s", columnID, tableID)
	}
	return t, col, nil
}

// RenameTable renames a table, a definition change.
func (s *Server) RenameTable(tableID, newName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(tableID)
	if err != nil {
		return err
	}
	return s.data.changeTable(t, &newName, nil, s.clock.Now())
}

// DeleteTable deletes a table and its records.
func (s *Server) DeleteTable(tableID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(tableID)
	if err != nil {
		return err
	}
	s.data.dropTable(t, s.clock.Now())
	return nil
}

// byName converts values keyed by column name into data keyed by column
// id, in the form a request body decodes to.
func (t *table) byName(values map[string]any) (map[string]any, error) {
	data := make(map[string]any, len(values))
	for name, v := range values {
		col := t.columnByName(name)
		if col == nil {
			return nil, fmt.Errorf("column %q not found in table %s", name, t.id)
		}
		jv, err := toJSONValue(v)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		data[col.id] = jv
	}
	return data, nil
}

// InsertRows creates one record per row, atomically, and returns their
// ids. Row keys are column names. A value another record holds in a
// unique column fails the whole call.
func (s *Server) InsertRows(tableID string, rows ...map[string]any) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(tableID)
	if err != nil {
		return nil, err
	}
	inputs := make([]map[string]any, len(rows))
	for i, row := range rows {
		if inputs[i], err = t.byName(row); err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
	}
	res, err := s.data.bulkUpsert(t, inputs, onConflictError, s.clock.Now())
	if err != nil {
		return nil, err
	}
	return res.RecordIDs, nil
}

// UpdateRow sets the given columns, by name, of a record.
func (s *Server) UpdateRow(tableID, recordID string, values map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rec, err := s.data.tableRecord(tableID, recordID)
	if err != nil {
		return err
	}
	data, err := t.byName(values)
	if err != nil {
		return err
	}
	return s.data.updateRecord(t, rec, data, s.clock.Now())
}

// DeleteRow deletes a record.
func (s *Server) DeleteRow(tableID, recordID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rec, err := s.data.tableRecord(tableID, recordID)
	if err != nil {
		return err
	}
	s.data.deleteRecord(t, rec, s.clock.Now())
	return nil
}

func (st *store) tableRecord(tableID, recordID string) (*table, *record, error) {
	t, err := st.tableByID(tableID)
	if err != nil {
		return nil, nil, err
	}
	rec := t.record(recordID)
	if rec == nil {
		return nil, nil, errNotFound("record %q not found in table %s", recordID, tableID)
	}
	return t, rec, nil
}

// Rows returns copies of a table's records in the default order of
// list_records, by created_at and then id, or nil for an unknown table.
func (s *Server) Rows(tableID string) []Row {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.data.tables[tableID]
	if !ok {
		return nil
	}
	live := t.liveRows()
	out := make([]Row, 0, len(live))
	for _, rec := range live {
		values := make(map[string]any, len(t.columns))
		for _, c := range t.columns {
			if v, ok := rec.data[c.id]; ok {
				values[c.name] = adminValue(v)
			}
		}
		out = append(out, Row{ID: rec.id, Values: values, CreatedAt: rec.createdAt, UpdatedAt: rec.updatedAt})
	}
	return out
}

// RowCount returns the number of records of a table, 0 if it is unknown.
func (s *Server) RowCount(tableID string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t, ok := s.data.tables[tableID]; ok {
		return t.rowCount()
	}
	return 0
}

// TableID returns the id of the table name in schema schemaName.
func (s *Server) TableID(schemaName, name string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.data.tableOrder {
		if t.schema == schemaName && t.name == name {
			return t.id, true
		}
	}
	return "", false
}
