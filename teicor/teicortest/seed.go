package teicortest

import (
	"encoding/json"
	"fmt"
	"os"
)

// Seed is a data set to load into a server: schemas with tables and rows,
// and saved queries.
type Seed struct {
	Schemas []SeedSchema `json:"schemas"`
	Queries []SeedQuery  `json:"queries"`
}

// SeedSchema is a schema and its tables.
type SeedSchema struct {
	Name   string      `json:"name"`
	Tables []SeedTable `json:"tables"`
}

// SeedTable is a table with explicit rows, keyed by column name, followed
// by GenerateRows deterministic synthetic rows.
type SeedTable struct {
	Name         string           `json:"name"`
	Columns      []ColumnSpec     `json:"columns"`
	Rows         []map[string]any `json:"rows"`
	GenerateRows int              `json:"generate_rows"`
}

// SeedQuery is a saved query over Schema.Table. Columns are column names.
// In Filter and Sort, a "column_id" may hold a column name, which Load
// replaces with the column's id. OwnedByApp makes list_queries return the
// query without include_all.
type SeedQuery struct {
	Name       string          `json:"name"`
	GroupID    string          `json:"group_id"`
	Schema     string          `json:"schema"`
	Table      string          `json:"table"`
	Columns    []string        `json:"columns"`
	Filter     json.RawMessage `json:"filter"`
	Sort       json.RawMessage `json:"sort"`
	OwnedByApp bool            `json:"owned_by_app"`
}

// LoadSeed reads a seed from a JSON file.
func LoadSeed(path string) (*Seed, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed file: %w", err)
	}
	var seed Seed
	if err := json.Unmarshal(raw, &seed); err != nil {
		return nil, fmt.Errorf("parse seed file %s: %w", path, err)
	}
	return &seed, nil
}

// RowCounts returns the number of rows each table of the seed loads,
// keyed by "schema.table".
func (seed *Seed) RowCounts() map[string]int {
	out := map[string]int{}
	for _, sc := range seed.Schemas {
		for _, t := range sc.Tables {
			out[sc.Name+"."+t.Name] = len(t.Rows) + t.GenerateRows
		}
	}
	return out
}

// Load creates the seed's schemas, tables, rows and queries. A schema that
// already exists is reused, and a table that already exists is an error.
func (s *Server) Load(seed *Seed) error {
	for _, sc := range seed.Schemas {
		for _, st := range sc.Tables {
			if err := s.loadTable(sc.Name, st); err != nil {
				return err
			}
		}
	}
	for _, sq := range seed.Queries {
		if err := s.loadQuery(sq); err != nil {
			return fmt.Errorf("seed query %q: %w", sq.Name, err)
		}
	}
	return nil
}

// loadBatch is the number of rows inserted per step while loading.
const loadBatch = 1000

func (s *Server) loadTable(schemaName string, st SeedTable) error {
	ref, err := s.CreateTable(schemaName, st.Name, st.Columns...)
	if err != nil {
		return fmt.Errorf("seed table %s.%s: %w", schemaName, st.Name, err)
	}
	rows := st.Rows
	for i := 0; i < st.GenerateRows; i++ {
		rows = append(rows, syntheticRow(st.Columns, i))
	}
	for start := 0; start < len(rows); start += loadBatch {
		end := min(start+loadBatch, len(rows))
		if _, err := s.InsertRows(ref.ID, rows[start:end]...); err != nil {
			return fmt.Errorf("seed table %s.%s, rows %d to %d: %w", schemaName, st.Name, start, end-1, err)
		}
	}
	return nil
}

func (s *Server) loadQuery(sq SeedQuery) error {
	tableID, ok := s.TableID(sq.Schema, sq.Table)
	if !ok {
		return fmt.Errorf("table %s.%s not found", sq.Schema, sq.Table)
	}
	s.mu.RLock()
	t := s.data.tables[tableID]
	def := QueryDef{TableID: tableID}
	var err error
	for _, name := range sq.Columns {
		col := t.columnByName(name)
		if col == nil {
			err = fmt.Errorf("column %q not found in %s.%s", name, sq.Schema, sq.Table)
			break
		}
		def.Columns = append(def.Columns, col.id)
	}
	if err == nil {
		def.Filter, err = namesToIDs(t, sq.Filter)
	}
	if err == nil {
		def.Sort, err = namesToIDs(t, sq.Sort)
	}
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	_, err = s.CreateQuery(sq.Name, sq.GroupID, def, sq.OwnedByApp)
	return err
}

// namesToIDs replaces every "column_id" value that is a column name of t
// with that column's id.
func namesToIDs(t *table, raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("invalid JSON %s: %w", raw, err)
	}
	return json.Marshal(replaceColumnNames(t, v))
}

func replaceColumnNames(t *table, v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = replaceColumnNames(t, x[i])
		}
	case map[string]any:
		for k, item := range x {
			x[k] = replaceColumnNames(t, item)
		}
		if name, ok := x["column_id"].(string); ok {
			if col := t.columnByName(name); col != nil {
				x["column_id"] = col.id
			}
		}
	}
	return v
}
