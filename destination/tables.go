package destination

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// catalog resolves table settings to Teicor tables and caches their
// columns. It is used by one Write call at a time, so it has no lock.
type catalog struct {
	client      *teicor.Client
	schema      string
	keyColumn   string
	autoTable   bool
	autoColumns bool
	// retry is the retry policy of create_table and create_column, which
	// the client sends once because they are POST requests.
	retry teicor.RetryPolicy

	loaded bool
	byID   map[string]teicor.Table
	// byName maps table names in schema to table ids.
	byName map[string]string
	tables map[string]*tableInfo
}

func newCatalog(client *teicor.Client, cfg *Config, retry teicor.RetryPolicy) *catalog {
	return &catalog{
		retry:       retry,
		client:      client,
		schema:      cfg.Schema,
		keyColumn:   cfg.KeyColumn,
		autoTable:   cfg.AutoCreateTable,
		autoColumns: cfg.AutoCreateColumns,
		tables:      map[string]*tableInfo{},
	}
}

// resolve returns the table that ref (a table id, or a table name in the
// configured schema) names. It lists the tables again once when ref is
// unknown, and creates the table when autoCreate.table is set. keyType is
// the type of a key column that resolve creates.
func (c *catalog) resolve(ctx context.Context, ref string, keyType teicor.ColumnType) (*tableInfo, error) {
	if ref == "" {
		return nil, errors.New("empty table name: the table setting rendered an empty string " +
			"for this record; set table or the record's opencdc.collection metadata")
	}
	for attempt := range 2 {
		if !c.loaded || attempt == 1 {
			if err := c.loadTables(ctx); err != nil {
				return nil, err
			}
		}
		if id, ok := c.lookupID(ref); ok {
			return c.table(ctx, id, keyType)
		}
	}
	if c.autoTable && c.schema != "" {
		return c.createTable(ctx, ref, keyType)
	}
	return nil, c.notFoundError(ref)
}

func (c *catalog) lookupID(ref string) (string, bool) {
	if _, ok := c.byID[ref]; ok {
		return ref, true
	}
	if c.schema == "" {
		return "", false
	}
	id, ok := c.byName[ref]
	return id, ok
}

func (c *catalog) loadTables(ctx context.Context) error {
	list, err := c.client.ListTables(ctx, teicor.ListTablesOptions{})
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	c.byID = make(map[string]teicor.Table, len(list.Tables))
	c.byName = map[string]string{}
	for _, t := range list.Tables {
		c.byID[t.ID] = t
		if t.SchemaName == c.schema {
			c.byName[t.Name] = t.ID
		}
	}
	c.loaded = true
	return nil
}

func (c *catalog) notFoundError(ref string) error {
	if c.schema == "" {
		return fmt.Errorf("table %q not found: no table has this id; to write to a table "+
			"by name, set schema to the schema that contains it", ref)
	}
	names := make([]string, 0, len(c.byName))
	for name := range c.byName {
		names = append(names, name)
	}
	slices.Sort(names)
	return fmt.Errorf("table %q not found in schema %q (tables: %s); create it in Teicor "+
		"or set autoCreate.table to true", ref, c.schema, quoteList(names))
}

// createTable creates the table name in the configured schema. table
// then adds the key column, so a table that a failed run left without its
// key column gets it on the next write.
func (c *catalog) createTable(ctx context.Context, name string, keyType teicor.ColumnType) (*tableInfo, error) {
	t, err := retryCreate(ctx, c.retry, createCall[teicor.Table]{
		operation: "create_table",
		describe: func(e *zerolog.Event) *zerolog.Event {
			return e.Str("table", name).Str("schema", c.schema)
		},
		send: func() (teicor.Table, error) {
			t, err := c.client.CreateTable(ctx, teicor.CreateTableRequest{Name: name, SchemaName: c.schema})
			if err != nil {
				return teicor.Table{}, err
			}
			return *t, nil
		},
		lookup: func() (teicor.Table, bool, error) {
			if err := c.loadTables(ctx); err != nil {
				return teicor.Table{}, false, err
			}
			id, ok := c.byName[name]
			return c.byID[id], ok, nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create table %q in schema %q: %w", name, c.schema, err)
	}
	c.byID[t.ID] = t
	c.byName[t.Name] = t.ID
	return c.table(ctx, t.ID, keyType)
}

// table returns the cached columns of the table id, listing them on first
// use. A missing key column is created with keyType when
// autoCreate.table or autoCreate.columns is set.
func (c *catalog) table(ctx context.Context, id string, keyType teicor.ColumnType) (*tableInfo, error) {
	if t, ok := c.tables[id]; ok {
		return t, nil
	}
	t := &tableInfo{id: id, name: c.byID[id].Name}
	if err := c.refreshColumns(ctx, t); err != nil {
		return nil, err
	}
	if err := c.ensureKeyColumn(ctx, t, keyType); err != nil {
		return nil, err
	}
	key, err := c.keyColumnOf(t)
	if err != nil {
		return nil, err
	}
	t.key = key
	c.tables[id] = t
	return t, nil
}

func (c *catalog) refreshColumns(ctx context.Context, t *tableInfo) error {
	cols, err := c.client.ListColumns(ctx, t.id)
	if err != nil {
		return fmt.Errorf("list columns of table %s: %w", t.id, err)
	}
	t.setColumns(cols)
	return nil
}

func (c *catalog) ensureKeyColumn(ctx context.Context, t *tableInfo, keyType teicor.ColumnType) error {
	if !c.autoColumns && !c.autoTable {
		return nil
	}
	if _, ok, err := t.match(c.keyColumn); ok || err != nil {
		return nil
	}
	_, err := c.createColumn(ctx, t, func() (teicor.CreateColumnRequest, error) {
		return teicor.CreateColumnRequest{
			Name:   c.keyColumn,
			Type:   keyType,
			Config: teicor.ColumnConfig{Unique: true},
		}, nil
	})
	return err
}

func (c *catalog) keyColumnOf(t *tableInfo) (teicor.Column, error) {
	col, ok, err := t.match(c.keyColumn)
	if err != nil {
		return teicor.Column{}, fmt.Errorf("keyColumn: %w", err)
	}
	if !ok && len(t.columns) == 0 {
		return teicor.Column{}, fmt.Errorf("key column %q not found in table %s, which has no "+
			"columns; add a unique column %q to it in Teicor, or set autoCreate.table or "+
			"autoCreate.columns to true so that the destination creates it",
			c.keyColumn, t.label(), c.keyColumn)
	}
	if !ok {
		return teicor.Column{}, fmt.Errorf("key column %q not found in table %s (columns: %s); "+
			"set keyColumn to one of them, or add a unique column %q in Teicor",
			c.keyColumn, t.label(), quoteList(t.names()), c.keyColumn)
	}
	if !col.Config.Unique {
		return teicor.Column{}, fmt.Errorf("key column %q in table %s is not unique, so upserts "+
			"cannot match records by it; mark it unique in Teicor or choose another keyColumn",
			col.Name, t.label())
	}
	return col, nil
}

func quoteList(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}
