package teicor

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// ColumnType is the type of a column, which fixes the JSON value its cells
// carry.
type ColumnType string

// Column types.
const (
	ColumnSingleLineText ColumnType = "single_line_text" // string
	ColumnLongText       ColumnType = "long_text"        // string
	ColumnEmail          ColumnType = "email"            // string
	ColumnURL            ColumnType = "url"              // string
	ColumnPhone          ColumnType = "phone"            // string
	ColumnNumber         ColumnType = "number"           // number; Config.Precision decimal places
	ColumnBoolean        ColumnType = "boolean"          // true or false
	ColumnDate           ColumnType = "date"             // "YYYY-MM-DD"
	ColumnDatetime       ColumnType = "datetime"         // RFC 3339 string
	ColumnSingleSelect   ColumnType = "single_select"    // string from Config.Options
	ColumnMultiSelect    ColumnType = "multi_select"     // array of strings from Config.Options
	ColumnJSON           ColumnType = "json"             // any JSON value
)

// ColumnTypes returns every column type (the SDK's COLUMN_TYPES).
func ColumnTypes() []ColumnType {
	return []ColumnType{
		ColumnSingleLineText, ColumnLongText, ColumnEmail, ColumnURL, ColumnPhone,
		ColumnNumber, ColumnBoolean, ColumnDate, ColumnDatetime,
		ColumnSingleSelect, ColumnMultiSelect, ColumnJSON,
	}
}

// Valid reports whether t is one of ColumnTypes.
func (t ColumnType) Valid() bool {
	for _, known := range ColumnTypes() {
		if t == known {
			return true
		}
	}
	return false
}

// ColumnConfig is the configuration of a column.
type ColumnConfig struct {
	// Unique makes bulk upserts match existing records on this column.
	Unique bool `json:"unique,omitempty"`
	// Required rejects null values.
	Required bool `json:"required,omitempty"`
	// Options lists the allowed values of a select column.
	Options []string `json:"options,omitempty"`
	// Precision is the number of decimal places of a number column. 0
	// means integers.
	Precision int `json:"precision,omitempty"`
}

// Column is a typed column of a table.
type Column struct {
	ID        string       `json:"id"`
	TableID   string       `json:"table_id"`
	Name      string       `json:"name"`
	Type      ColumnType   `json:"column_type"`
	Config    ColumnConfig `json:"config"`
	Position  int          `json:"position"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// CreateColumnRequest is the body of CreateColumn.
type CreateColumnRequest struct {
	Name   string       `json:"name"`
	Type   ColumnType   `json:"column_type"`
	Config ColumnConfig `json:"config"`
}

// UpdateColumnRequest is the body of UpdateColumn. Nil fields stay
// unchanged.
type UpdateColumnRequest struct {
	Name   *string       `json:"name,omitempty"`
	Config *ColumnConfig `json:"config,omitempty"`
}

type columnList struct {
	Columns []Column `json:"columns"`
}

// ListColumns returns the columns of a table by position (list_columns).
func (c *Client) ListColumns(ctx context.Context, tableID string) ([]Column, error) {
	if err := requireID(opListColumns, "table id", tableID); err != nil {
		return nil, err
	}
	var out columnList
	req := request{op: opListColumns, method: http.MethodGet, api: apiRuntime, path: pathColumns(tableID), idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out.Columns, nil
}

// CreateColumn adds a column to a table (create_column).
func (c *Client) CreateColumn(ctx context.Context, tableID string, req CreateColumnRequest) (*Column, error) {
	if err := requireID(opCreateColumn, "table id", tableID); err != nil {
		return nil, err
	}
	if err := requireName(opCreateColumn, "column name", req.Name); err != nil {
		return nil, err
	}
	if !req.Type.Valid() {
		return nil, fmt.Errorf("teicor: %s: invalid column type %q: use one of ColumnTypes(), such as %q",
			opCreateColumn, req.Type, ColumnSingleLineText)
	}
	var out Column
	r := request{op: opCreateColumn, method: http.MethodPost, api: apiRuntime, path: pathColumns(tableID), body: req}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateColumn renames a column or replaces its config (update_column).
func (c *Client) UpdateColumn(ctx context.Context, tableID, columnID string, req UpdateColumnRequest) (*Column, error) {
	if err := requireID(opUpdateColumn, "table id", tableID); err != nil {
		return nil, err
	}
	if err := requireID(opUpdateColumn, "column id", columnID); err != nil {
		return nil, err
	}
	var out Column
	r := request{
		op: opUpdateColumn, method: http.MethodPatch, api: apiRuntime, path: pathColumn(tableID, columnID),
		body: req, idempotent: true,
	}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteColumn removes a column and its values (delete_column).
func (c *Client) DeleteColumn(ctx context.Context, tableID, columnID string) error {
	if err := requireID(opDeleteColumn, "table id", tableID); err != nil {
		return err
	}
	if err := requireID(opDeleteColumn, "column id", columnID); err != nil {
		return err
	}
	req := request{op: opDeleteColumn, method: http.MethodDelete, api: apiRuntime, path: pathColumn(tableID, columnID), idempotent: true}
	_, err := c.do(ctx, req, nil)
	return err
}
