package destination

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/hamba/avro/v2"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// columnCreator returns the request that creates a column for the field,
// or nil when autoCreate.columns is off.
func (d *Destination) columnCreator(ctx context.Context, rec opencdc.Record, field string, value any,
) func() (teicor.CreateColumnRequest, error) {
	if !d.config.AutoCreateColumns {
		return nil
	}
	return func() (teicor.CreateColumnRequest, error) {
		req := teicor.CreateColumnRequest{Name: field}
		if fieldSchema := d.schemas.payloadField(ctx, rec, field); fieldSchema != nil {
			if typ, cfg, ok := inferFromAvro(fieldSchema, value); ok {
				req.Type, req.Config = typ, cfg
				return req, nil
			}
		}
		req.Type, req.Config = inferFromValue(value)
		return req, nil
	}
}

// keyTypeOf returns the type of a key column that autoCreate creates for
// the record: number when the record key (or, without one, the payload
// field named like the key column) is a number, else single line text.
func (d *Destination) keyTypeOf(rec opencdc.Record, rawKey any, hasKey bool) teicor.ColumnType {
	if !d.config.AutoCreateTable && !d.config.AutoCreateColumns {
		return ""
	}
	if !hasKey {
		fields, err := fieldsOf(rec.Payload.After)
		if err == nil {
			rawKey, hasKey = fieldByColumn(fields, d.config.KeyColumn)
		}
	}
	if !hasKey {
		return teicor.ColumnSingleLineText
	}
	typ, _ := inferFromValue(rawKey)
	if typ != teicor.ColumnNumber {
		return teicor.ColumnSingleLineText
	}
	return typ
}

// inferFromValue infers a column type from a Go value. Lists become json
// columns: a multi select column must be created in Teicor with its
// options first.
func inferFromValue(v any) (teicor.ColumnType, teicor.ColumnConfig) {
	switch n := v.(type) {
	case string, []byte:
		return teicor.ColumnSingleLineText, teicor.ColumnConfig{}
	case bool:
		return teicor.ColumnBoolean, teicor.ColumnConfig{}
	case time.Time:
		return teicor.ColumnDatetime, teicor.ColumnConfig{}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, json.Number, *big.Rat:
		return teicor.ColumnNumber, teicor.ColumnConfig{Precision: precisionOf(n)}
	default:
		return teicor.ColumnJSON, teicor.ColumnConfig{}
	}
}

// maxInferredPrecision caps the precision of created number columns.
// NOTE: Teicor does not document its maximum precision; 10 is the limit
// that the emulator enforces.
const maxInferredPrecision = 10

// precisionOf returns the decimal places of a number value, at most
// maxInferredPrecision, or 0 when it is not a valid number.
func precisionOf(v any) int {
	text, err := numberText(v)
	if err != nil {
		return 0
	}
	places, err := decimalPlaces(text)
	if err != nil {
		return 0
	}
	return min(places, maxInferredPrecision)
}

// inferFromAvro infers a column type from the Avro schema of a payload
// field, falling back to the value for the precision of floating-point
// numbers. It returns false for schemas that it cannot map.
func inferFromAvro(s avro.Schema, value any) (teicor.ColumnType, teicor.ColumnConfig, bool) {
	if union, ok := s.(*avro.UnionSchema); ok {
		inner, ok := nonNullType(union)
		if !ok {
			return teicor.ColumnJSON, teicor.ColumnConfig{}, true
		}
		s = inner
	}
	switch typed := s.(type) {
	case *avro.EnumSchema:
		return teicor.ColumnSingleSelect, teicor.ColumnConfig{Options: typed.Symbols()}, true
	case *avro.FixedSchema:
		if dec, ok := typed.Logical().(*avro.DecimalLogicalSchema); ok {
			return teicor.ColumnNumber, teicor.ColumnConfig{Precision: min(dec.Scale(), maxInferredPrecision)}, true
		}
		return teicor.ColumnJSON, teicor.ColumnConfig{}, true
	case *avro.PrimitiveSchema:
		return inferFromPrimitive(typed, value)
	case *avro.ArraySchema, *avro.MapSchema, *avro.RecordSchema:
		return teicor.ColumnJSON, teicor.ColumnConfig{}, true
	default:
		return "", teicor.ColumnConfig{}, false
	}
}

func nonNullType(union *avro.UnionSchema) (avro.Schema, bool) {
	var found avro.Schema
	for _, t := range union.Types() {
		if t.Type() == avro.Null {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = t
	}
	return found, found != nil
}

func inferFromPrimitive(s *avro.PrimitiveSchema, value any) (teicor.ColumnType, teicor.ColumnConfig, bool) {
	if logical := s.Logical(); logical != nil {
		switch logical.Type() {
		case avro.Date:
			return teicor.ColumnDate, teicor.ColumnConfig{}, true
		case avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
			return teicor.ColumnDatetime, teicor.ColumnConfig{}, true
		case avro.Decimal:
			if dec, ok := logical.(*avro.DecimalLogicalSchema); ok {
				return teicor.ColumnNumber, teicor.ColumnConfig{Precision: min(dec.Scale(), maxInferredPrecision)}, true
			}
		}
	}
	switch s.Type() {
	case avro.String, avro.Bytes:
		return teicor.ColumnSingleLineText, teicor.ColumnConfig{}, true
	case avro.Boolean:
		return teicor.ColumnBoolean, teicor.ColumnConfig{}, true
	case avro.Int, avro.Long:
		return teicor.ColumnNumber, teicor.ColumnConfig{}, true
	case avro.Float, avro.Double:
		return teicor.ColumnNumber, teicor.ColumnConfig{Precision: precisionOf(value)}, true
	default:
		return "", teicor.ColumnConfig{}, false
	}
}
