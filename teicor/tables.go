package teicor

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Table is a typed table of records.
type Table struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	SchemaName string    `json:"schema_name"`
	IsPrivate  bool      `json:"is_private"`
	RowCount   int64     `json:"row_count"`
	CreatedAt  time.Time `json:"created_at"`
	// UpdatedAt advances on every definition change and on every record
	// create, update or delete, which is what the definition gate relies on.
	UpdatedAt time.Time `json:"updated_at"`
}

// TableDetail is a table with its columns.
type TableDetail struct {
	Table
	Columns []Column `json:"columns"`
}

// ListTablesOptions filters ListTables.
type ListTablesOptions struct {
	// UpdatedSince, if not zero, lists only tables with updated_at at or
	// after it.
	UpdatedSince time.Time
}

// TableList is the result of ListTables.
type TableList struct {
	Tables []Table
	// ServerTime is the response's Date header, or zero if absent.
	ServerTime time.Time
}

// CreateTableRequest is the body of CreateTable.
type CreateTableRequest struct {
	Name       string `json:"name"`
	SchemaName string `json:"schema_name"`
	IsPrivate  bool   `json:"is_private"`
}

// UpdateTableRequest is the body of UpdateTable. Nil fields stay unchanged.
type UpdateTableRequest struct {
	Name      *string `json:"name,omitempty"`
	IsPrivate *bool   `json:"is_private,omitempty"`
}

type tableList struct {
	Tables []Table `json:"tables"`
}

// formatTime formats t as the API expects: RFC 3339 in UTC with
// microseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

// ListTables lists tables (list_tables), all of them or those updated since
// opts.UpdatedSince.
func (c *Client) ListTables(ctx context.Context, opts ListTablesOptions) (*TableList, error) {
	query := url.Values{}
	if !opts.UpdatedSince.IsZero() {
		query.Set(paramUpdatedSince, formatTime(opts.UpdatedSince))
	}
	var out tableList
	req := request{op: opListTables, method: http.MethodGet, api: apiRuntime, path: pathTables(), query: query, idempotent: true}
	resp, err := c.do(ctx, req, &out)
	if err != nil {
		return nil, err
	}
	return &TableList{Tables: out.Tables, ServerTime: resp.serverTime()}, nil
}

// GetTable returns a table with its columns (get_table).
func (c *Client) GetTable(ctx context.Context, tableID string) (*TableDetail, error) {
	if err := requireID(opGetTable, "table id", tableID); err != nil {
		return nil, err
	}
	var out TableDetail
	req := request{op: opGetTable, method: http.MethodGet, api: apiRuntime, path: pathTable(tableID), idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateTable creates a table in an existing schema (create_table).
func (c *Client) CreateTable(ctx context.Context, req CreateTableRequest) (*Table, error) {
	if err := requireName(opCreateTable, "table name", req.Name); err != nil {
		return nil, err
	}
	if err := requireName(opCreateTable, "schema name", req.SchemaName); err != nil {
		return nil, err
	}
	var out Table
	r := request{op: opCreateTable, method: http.MethodPost, api: apiRuntime, path: pathTables(), body: req}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTable renames a table or changes its privacy (update_table).
func (c *Client) UpdateTable(ctx context.Context, tableID string, req UpdateTableRequest) (*Table, error) {
	if err := requireID(opUpdateTable, "table id", tableID); err != nil {
		return nil, err
	}
	var out Table
	r := request{op: opUpdateTable, method: http.MethodPatch, api: apiRuntime, path: pathTable(tableID), body: req, idempotent: true}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTable deletes a table with its columns and records (delete_table).
func (c *Client) DeleteTable(ctx context.Context, tableID string) error {
	if err := requireID(opDeleteTable, "table id", tableID); err != nil {
		return err
	}
	req := request{op: opDeleteTable, method: http.MethodDelete, api: apiRuntime, path: pathTable(tableID), idempotent: true}
	_, err := c.do(ctx, req, nil)
	return err
}
