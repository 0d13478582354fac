package destination

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/template"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/config"
	"github.com/teicor/conduit-connector-teicor/teicor"
)

// maxChunkSize is the largest bulk upsert request that Teicor accepts.
const maxChunkSize = teicor.MaxBulkChunk

// Config is the destination configuration: the shared connection settings,
// the SDK middleware settings (batching, rate limit, record format, schema
// extraction) and the settings that decide where and how records land.
type Config struct {
	sdk.DefaultDestinationMiddleware
	config.Config

	// Table is the Teicor table that records are written to: a table id, a
	// table name in the schema set by schema, or a Go template that renders
	// one of the two from the record, such as
	// {{ index .Metadata "opencdc.collection" }}.
	Table string `json:"table" default:"{{ index .Metadata \"opencdc.collection\" }}"`
	// Schema is the Teicor schema that contains the tables named by table.
	// It is required when table is a name, and unused when table is an id.
	Schema string `json:"schema"`
	// KeyColumn is the name of the unique column that the record key maps
	// to. Upserts match existing records on it and deletes find records by it.
	KeyColumn string `json:"keyColumn" validate:"required"`
	// OnConflict sets what a bulk upsert does with a record whose key column
	// value already exists: overwrite its columns, skip it, or fail the
	// record with an error. Conduit delivers records at least once: after
	// a restart it sends again the records whose acknowledgment it had not
	// stored, so with error a redelivered record that was already written
	// fails with a conflict. overwrite makes such writes idempotent, and
	// skip avoids the failure but ignores every later change to a key that
	// exists.
	OnConflict string `json:"onConflict" default:"overwrite" validate:"inclusion=overwrite|skip|error"`
	// ChunkSize is the maximum number of records in one bulk upsert
	// request, from 1 to 500.
	ChunkSize int `json:"chunkSize" default:"500"`
	// AutoCreateTable creates a missing table in schema when table names a
	// table that does not exist. Its key column is unique, of type number
	// for number keys and single line text otherwise.
	AutoCreateTable bool `json:"autoCreate.table" default:"false"`
	// AutoCreateColumns creates a missing column for a record field that
	// matches no column, with a type inferred from the record's payload
	// schema or, without one, from the field's value.
	AutoCreateColumns bool `json:"autoCreate.columns" default:"false"`
}

// Validate checks the connection settings, the middleware settings and
// the destination settings, and joins every error it finds.
func (c *Config) Validate(ctx context.Context) error {
	errs := []error{
		c.DefaultDestinationMiddleware.Validate(ctx),
		c.Config.Validate(ctx),
	}
	errs = append(errs, c.validateDestination()...)
	return errors.Join(errs...)
}

func (c *Config) validateDestination() []error {
	var errs []error
	if strings.TrimSpace(c.Table) == "" {
		errs = append(errs, errors.New(`missing table: set it to a table id, a table name `+
			`with schema, or a template such as {{ index .Metadata "opencdc.collection" }}`))
	} else if _, err := parseTableTemplate(c.Table); err != nil {
		errs = append(errs, fmt.Errorf("invalid table template %q: %w", c.Table, err))
	}
	if strings.TrimSpace(c.KeyColumn) == "" {
		errs = append(errs, errors.New("missing keyColumn: set it to the name of the unique "+
			"column that the record key maps to"))
	}
	if c.ChunkSize < 1 || c.ChunkSize > maxChunkSize {
		errs = append(errs, fmt.Errorf("invalid chunkSize %d: must be between 1 and %d, "+
			"the largest bulk upsert that Teicor accepts", c.ChunkSize, maxChunkSize))
	}
	if c.AutoCreateTable && strings.TrimSpace(c.Schema) == "" {
		errs = append(errs, errors.New("missing schema: autoCreate.table creates tables by name, "+
			"so set schema to the schema that receives them"))
	}
	if _, err := parseOnConflict(c.OnConflict); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func parseOnConflict(value string) (teicor.OnConflict, error) {
	switch v := teicor.OnConflict(value); v {
	case teicor.OnConflictOverwrite, teicor.OnConflictSkip, teicor.OnConflictError:
		return v, nil
	default:
		return "", fmt.Errorf("invalid onConflict %q: must be overwrite, skip or error", value)
	}
}

// parseTableTemplate parses the table setting. A setting without "{{" is a
// literal table id or name and returns a nil template.
func parseTableTemplate(value string) (*template.Template, error) {
	if !strings.Contains(value, "{{") {
		return nil, nil
	}
	return template.New("table").Option("missingkey=error").Parse(value)
}
