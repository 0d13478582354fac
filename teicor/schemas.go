package teicor

import (
	"context"
	"net/http"
	"time"
)

// Schema is a namespace of tables.
type Schema struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type schemaList struct {
	Schemas []Schema `json:"schemas"`
}

type schemaName struct {
	Name string `json:"name"`
}

// ListSchemas returns every schema (list_schemas).
func (c *Client) ListSchemas(ctx context.Context) ([]Schema, error) {
	var out schemaList
	req := request{op: opListSchemas, method: http.MethodGet, api: apiRuntime, path: pathSchemas(), idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out.Schemas, nil
}

// CreateSchema creates a schema (create_schema). It fails with ErrConflict
// if the name is taken.
func (c *Client) CreateSchema(ctx context.Context, name string) (*Schema, error) {
	if err := requireName(opCreateSchema, "schema name", name); err != nil {
		return nil, err
	}
	var out Schema
	req := request{op: opCreateSchema, method: http.MethodPost, api: apiRuntime, path: pathSchemas(), body: schemaName{Name: name}}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RenameSchema renames a schema (update_schema).
func (c *Client) RenameSchema(ctx context.Context, name, newName string) (*Schema, error) {
	if err := requireName(opUpdateSchema, "schema name", name); err != nil {
		return nil, err
	}
	if err := requireName(opUpdateSchema, "new schema name", newName); err != nil {
		return nil, err
	}
	var out Schema
	req := request{
		op: opUpdateSchema, method: http.MethodPatch, api: apiRuntime, path: pathSchema(name),
		body: schemaName{Name: newName}, idempotent: true,
	}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSchema deletes a schema (delete_schema). It fails with ErrConflict
// while the schema still has tables.
func (c *Client) DeleteSchema(ctx context.Context, name string) error {
	if err := requireName(opDeleteSchema, "schema name", name); err != nil {
		return err
	}
	req := request{op: opDeleteSchema, method: http.MethodDelete, api: apiRuntime, path: pathSchema(name), idempotent: true}
	_, err := c.do(ctx, req, nil)
	return err
}
