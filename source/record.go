package source

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Metadata keys the source sets next to opencdc.collection.
const (
	MetadataTableID   = "teicor.table.id"
	MetadataSchema    = "teicor.schema"
	MetadataQueryID   = "teicor.query.id"
	MetadataCreatedAt = "teicor.createdAt"
	MetadataUpdatedAt = "teicor.updatedAt"
)

func (t *tableSync) loadColumns(ctx context.Context, tableID string) error {
	columns, err := t.client.ListColumns(ctx, tableID)
	if err != nil {
		return err
	}
	t.columns = make(map[string]teicor.Column, len(columns))
	names := make([]string, len(columns))
	for i, c := range columns {
		t.columns[c.ID] = c
		names[i] = c.Name
	}
	fields := t.namer.names(ctx, t.current.Name, names)
	t.fields = make([]payloadField, len(columns))
	for i, c := range columns {
		t.fields[i] = payloadField{column: c, name: fields[i]}
	}
	return nil
}

// ensureColumns reloads the columns once when a row holds a column id the
// pass does not know, such as a column added during the read. Values of
// columns that stay unknown are dropped with one warning per column.
func (t *tableSync) ensureColumns(ctx context.Context, tableID string, records []teicor.Record) error {
	if !t.hasUnknown(records) {
		return nil
	}
	if err := t.loadColumns(ctx, tableID); err != nil {
		return err
	}
	for _, rec := range records {
		for id := range rec.Data {
			if _, ok := t.columns[id]; !ok && !t.warned[tableID+"/"+id] {
				t.warned[tableID+"/"+id] = true
				sdk.Logger(ctx).Warn().Str("table_id", tableID).Str("column_id", id).
					Msg("row holds a value of an unknown column; dropping that value")
			}
		}
	}
	return nil
}

// hasUnknown reports whether a row holds a value of a column the pass does
// not know and has not warned about. Counting the known columns a row holds
// first keeps the common case to a few map lookups.
func (t *tableSync) hasUnknown(records []teicor.Record) bool {
	for i := range records {
		data := records[i].Data
		known := 0
		for _, f := range t.fields {
			if _, ok := data[f.column.ID]; ok {
				known++
			}
		}
		if known == len(data) {
			continue
		}
		for id := range data {
			if _, ok := t.columns[id]; !ok && !t.warned[t.current.ID+"/"+id] {
				return true
			}
		}
	}
	return false
}

// record builds the OpenCDC record of one row. Every known column is a
// payload field named after the column, null when the row has no value.
func (t *tableSync) record(rec *teicor.Record, op opencdc.Operation, pos opencdc.Position) opencdc.Record {
	payload := make(opencdc.StructuredData, len(t.fields))
	for _, f := range t.fields {
		payload[f.name] = convertValue(f.column, rec.Data[f.column.ID], t.namer.avro)
	}
	// Sized for these four keys, the collection and the SDK's read time.
	meta := make(opencdc.Metadata, 6)
	meta[MetadataTableID] = t.current.ID
	meta[MetadataSchema] = t.current.SchemaName
	meta[MetadataCreatedAt] = formatMicros(rec.CreatedAt)
	meta[MetadataUpdatedAt] = formatMicros(rec.UpdatedAt)
	meta.SetCollection(t.current.Name)
	key := opencdc.StructuredData{"id": rec.ID}
	return newRecord(op, pos, meta, key, payload)
}

func newRecord(op opencdc.Operation, pos opencdc.Position, meta opencdc.Metadata,
	key opencdc.Data, payload opencdc.StructuredData,
) opencdc.Record {
	switch op {
	case opencdc.OperationSnapshot:
		return sdk.Util.Source.NewRecordSnapshot(pos, meta, key, payload)
	case opencdc.OperationCreate:
		return sdk.Util.Source.NewRecordCreate(pos, meta, key, payload)
	case opencdc.OperationDelete:
		return sdk.Util.Source.NewRecordDelete(pos, meta, key, nil)
	default:
		return sdk.Util.Source.NewRecordUpdate(pos, meta, key, nil, payload)
	}
}

// convertValue turns a JSON value of a column into the Go value a
// destination expects for that column type: integers and floats for
// numbers, a list of strings for multi-selects and the JSON text for json
// columns. Datetimes become time.Time when typedTimes is set, because only
// an extracted Avro schema can carry a time; Conduit's plugin protocol
// cannot, so they stay RFC 3339 strings otherwise. A value that does not
// fit its type is passed on unchanged.
func convertValue(col teicor.Column, v any, typedTimes bool) any {
	if v == nil {
		return nil
	}
	switch col.Type {
	case teicor.ColumnNumber:
		return convertNumber(v, col.Config.Precision > 0)
	case teicor.ColumnDatetime:
		if s, ok := v.(string); ok && typedTimes {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return ts.UTC()
			}
		}
	case teicor.ColumnMultiSelect:
		return convertStrings(v)
	case teicor.ColumnJSON:
		b, err := json.Marshal(v)
		if err == nil {
			return string(b)
		}
	}
	return v
}

// convertNumber returns an int64 for columns without decimal places, so
// that every value of a column has one type in the extracted schema.
func convertNumber(v any, decimal bool) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if !decimal && !strings.ContainsAny(n.String(), ".eE") {
		if i, err := n.Int64(); err == nil {
			return i
		}
	}
	if f, err := n.Float64(); err == nil {
		return f
	}
	return n.String()
}

// convertStrings returns a multi-select value as a list of strings. The
// list stays []any, the type that Conduit's plugin protocol accepts for
// lists in structured data.
func convertStrings(v any) any {
	items, ok := v.([]any)
	if !ok {
		return v
	}
	for _, item := range items {
		if _, ok := item.(string); !ok {
			return v
		}
	}
	return items
}

// formatMicros formats t in UTC as RFC 3339 with six decimal places, the
// form of Teicor timestamps, without the cost of a layout parse per row.
func formatMicros(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format("2006-01-02T15:04:05.000000Z07:00")
	}
	hour, minute, second := t.Clock()
	var buf [27]byte
	put := func(at, value, width int) {
		for i := at + width - 1; i >= at; i-- {
			buf[i] = byte('0' + value%10)
			value /= 10
		}
	}
	put(0, year, 4)
	buf[4] = '-'
	put(5, int(month), 2)
	buf[7] = '-'
	put(8, day, 2)
	buf[10] = 'T'
	put(11, hour, 2)
	buf[13] = ':'
	put(14, minute, 2)
	buf[16] = ':'
	put(17, second, 2)
	buf[19] = '.'
	put(20, t.Nanosecond()/1000, 6)
	buf[26] = 'Z'
	return string(buf[:])
}
