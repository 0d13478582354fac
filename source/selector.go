package source

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// selector matches tables or queries against the entries of the tables or
// queries setting: ids, names, schema.name for tables, or "*".
type selector struct {
	all     bool
	entries map[string]bool
}

func newSelector(entries []string) selector {
	s := selector{entries: map[string]bool{}}
	for _, e := range entries {
		if e == "*" {
			s.all = true
		}
		s.entries[e] = true
	}
	return s
}

func (s selector) table(t teicor.Table) bool {
	return s.all || s.entries[t.ID] || s.entries[t.Name] || s.entries[t.SchemaName+"."+t.Name]
}

func (s selector) query(q teicor.Query) bool {
	return s.all || s.entries[q.ID] || s.entries[q.Name]
}

// resolveTables adds the ids of the tables that the entries name, so that a
// table selected by name stays selected after a rename.
func (s selector) resolveTables(tables []teicor.Table) {
	for _, t := range tables {
		if s.table(t) {
			s.entries[t.ID] = true
		}
	}
}

// resolveQueries adds the ids of the queries that the entries name, so that
// a query selected by name stays selected after a rename.
func (s selector) resolveQueries(queries []teicor.Query) {
	for _, q := range queries {
		if s.query(q) {
			s.entries[q.ID] = true
		}
	}
}

// checkTables returns an error that names every entry of the tables setting
// that matches no table.
func (s selector) checkTables(tables []teicor.Table) error {
	known := map[string]bool{"*": true}
	var names []string
	for _, t := range tables {
		known[t.ID], known[t.Name], known[t.SchemaName+"."+t.Name] = true, true, true
		names = append(names, t.SchemaName+"."+t.Name)
	}
	return missing("table", "tables", s.entries, known, names)
}

// checkQueries returns an error that names every entry of the queries
// setting that matches no query.
func (s selector) checkQueries(queries []teicor.Query) error {
	known := map[string]bool{"*": true}
	var names []string
	for _, q := range queries {
		known[q.ID], known[q.Name] = true, true
		names = append(names, q.Name)
	}
	return missing("query", "queries", s.entries, known, names)
}

func missing(kind, setting string, entries, known map[string]bool, names []string) error {
	var absent []string
	for e := range entries {
		if !known[e] {
			absent = append(absent, fmt.Sprintf("%q", e))
		}
	}
	if len(absent) == 0 {
		return nil
	}
	slices.Sort(absent)
	slices.Sort(names)
	const maxListed = 20
	if len(names) > maxListed {
		names = append(names[:maxListed], "...")
	}
	return fmt.Errorf("%s %s in the %s setting not found; known: %s",
		kind, strings.Join(absent, ", "), setting, strings.Join(names, ", "))
}
