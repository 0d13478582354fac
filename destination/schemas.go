package destination

import (
	"context"
	"fmt"

	"github.com/conduitio/conduit-commons/opencdc"
	cschema "github.com/conduitio/conduit-commons/schema"
	sdk "github.com/conduitio/conduit-connector-sdk"
	"github.com/conduitio/conduit-connector-sdk/schema"
	"github.com/hamba/avro/v2"
)

// payloadSchemas fetches the payload schemas that records reference in
// their metadata (opencdc.payload.schema.subject and .version) from the
// schema registry, and caches them by subject and version. A schema that
// is missing or not an Avro record is cached as nil, so the caller falls
// back to inferring column types from values.
type payloadSchemas struct {
	cache map[string]*avro.RecordSchema
}

// payloadField returns the Avro schema of the payload field named field,
// or nil when the record references no usable schema or the schema has no
// such field.
func (p *payloadSchemas) payloadField(ctx context.Context, rec opencdc.Record, field string) avro.Schema {
	subject, err := rec.Metadata.GetPayloadSchemaSubject()
	if err != nil {
		return nil
	}
	version, err := rec.Metadata.GetPayloadSchemaVersion()
	if err != nil {
		return nil
	}
	record := p.get(ctx, subject, version)
	if record == nil {
		return nil
	}
	for _, f := range record.Fields() {
		if f.Name() == field {
			return f.Type()
		}
	}
	return nil
}

func (p *payloadSchemas) get(ctx context.Context, subject string, version int) *avro.RecordSchema {
	cacheKey := fmt.Sprintf("%s:%d", subject, version)
	if record, ok := p.cache[cacheKey]; ok {
		return record
	}
	record, err := fetchRecordSchema(ctx, subject, version)
	if err != nil {
		sdk.Logger(ctx).Warn().Err(err).
			Str("subject", subject).
			Int("version", version).
			Msg("payload schema unavailable, inferring column types from values")
	}
	if p.cache == nil {
		p.cache = map[string]*avro.RecordSchema{}
	}
	p.cache[cacheKey] = record
	return record
}

func fetchRecordSchema(ctx context.Context, subject string, version int) (*avro.RecordSchema, error) {
	sch, err := schema.Get(ctx, subject, version)
	if err != nil {
		return nil, fmt.Errorf("get payload schema: %w", err)
	}
	if sch.Type != cschema.TypeAvro {
		return nil, fmt.Errorf("payload schema type %v is not Avro", sch.Type)
	}
	parsed, err := avro.ParseBytes(sch.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse payload schema: %w", err)
	}
	record, ok := parsed.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("payload schema is an Avro %s, not a record", parsed.Type())
	}
	return record, nil
}
