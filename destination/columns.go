package destination

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// tableInfo is a resolved table with its cached columns.
type tableInfo struct {
	id   string
	name string
	key  teicor.Column

	columns []teicor.Column
	byName  map[string]teicor.Column
	// byFold maps lower-case column names to the columns that share them.
	byFold map[string][]teicor.Column
	byID   map[string]teicor.Column
}

func (t *tableInfo) setColumns(cols []teicor.Column) {
	t.columns = cols
	t.byName = make(map[string]teicor.Column, len(cols))
	t.byFold = make(map[string][]teicor.Column, len(cols))
	t.byID = make(map[string]teicor.Column, len(cols))
	for _, col := range cols {
		t.byName[col.Name] = col
		t.byID[col.ID] = col
		folded := strings.ToLower(col.Name)
		t.byFold[folded] = append(t.byFold[folded], col)
	}
}

func (t *tableInfo) addColumn(col teicor.Column) {
	t.setColumns(append(t.columns, col))
}

// match returns the column named field: an exact match first, then the one
// column whose name equals field case-insensitively. Several such columns
// make the field ambiguous.
func (t *tableInfo) match(field string) (teicor.Column, bool, error) {
	if col, ok := t.byName[field]; ok {
		return col, true, nil
	}
	folded := t.byFold[strings.ToLower(field)]
	switch len(folded) {
	case 0:
		return teicor.Column{}, false, nil
	case 1:
		return folded[0], true, nil
	default:
		names := make([]string, len(folded))
		for i, col := range folded {
			names[i] = col.Name
		}
		return teicor.Column{}, false, fmt.Errorf("field %q is ambiguous in table %s: it matches "+
			"columns %s case-insensitively; rename the field to one of them exactly",
			field, t.label(), quoteList(names))
	}
}

func (t *tableInfo) names() []string {
	names := make([]string, len(t.columns))
	for i, col := range t.columns {
		names[i] = col.Name
	}
	return names
}

// columnName returns the name of the column id, or the id itself when the
// cache does not contain it.
func (t *tableInfo) columnName(id string) string {
	if col, ok := t.byID[id]; ok {
		return col.Name
	}
	return id
}

// label names the table in messages: its name and id when the name is known.
func (t *tableInfo) label() string {
	if t.name == "" {
		return t.id
	}
	return fmt.Sprintf("%q (%s)", t.name, t.id)
}

// column returns the column for a record field. An unknown field makes it
// list the columns again once, then create the column when create is not
// nil, or fail with the known column names.
func (c *catalog) column(ctx context.Context, t *tableInfo, field string,
	create func() (teicor.CreateColumnRequest, error),
) (teicor.Column, error) {
	for attempt := range 2 {
		if attempt == 1 {
			if err := c.refreshColumns(ctx, t); err != nil {
				return teicor.Column{}, err
			}
		}
		col, ok, err := t.match(field)
		if err != nil {
			return teicor.Column{}, err
		}
		if ok {
			return col, nil
		}
	}
	if create == nil {
		return teicor.Column{}, fmt.Errorf("field %q matches no column of table %s (columns: %s); "+
			"rename the field, add the column in Teicor or set autoCreate.columns to true",
			field, t.label(), quoteList(t.names()))
	}
	return c.createColumn(ctx, t, create)
}

func (c *catalog) createColumn(ctx context.Context, t *tableInfo,
	create func() (teicor.CreateColumnRequest, error),
) (teicor.Column, error) {
	req, err := create()
	if err != nil {
		return teicor.Column{}, err
	}
	col, err := retryCreate(ctx, c.retry, createCall[teicor.Column]{
		operation: "create_column",
		describe: func(e *zerolog.Event) *zerolog.Event {
			return e.Str("table_id", t.id).Str("column", req.Name)
		},
		send: func() (teicor.Column, error) {
			col, err := c.client.CreateColumn(ctx, t.id, req)
			if err != nil {
				return teicor.Column{}, err
			}
			return *col, nil
		},
		lookup: func() (teicor.Column, bool, error) {
			if err := c.refreshColumns(ctx, t); err != nil {
				return teicor.Column{}, false, err
			}
			col, ok := t.byName[req.Name]
			return col, ok, nil
		},
	})
	if err != nil {
		return teicor.Column{}, fmt.Errorf("create column %q (%s) in table %s: %w",
			req.Name, req.Type, t.label(), err)
	}
	if _, cached := t.byID[col.ID]; !cached {
		t.addColumn(col)
	}
	return col, nil
}
