package destination

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/conduitio/conduit-commons/opencdc"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// prepared is a record mapped to a Teicor write: an upsert of data or a
// delete of the record whose key column contains key.
type prepared struct {
	position int
	table    *tableInfo
	delete   bool
	key      any
	keyText  string
	data     teicor.RecordData
}

// prepare maps the record at batch position to a Teicor write, resolving
// its table and columns on the way.
func (d *Destination) prepare(ctx context.Context, rec opencdc.Record, position int) (prepared, error) {
	p := prepared{position: position}
	switch rec.Operation {
	case opencdc.OperationCreate, opencdc.OperationUpdate, opencdc.OperationSnapshot:
	case opencdc.OperationDelete:
		p.delete = true
	default:
		return p, fmt.Errorf("unsupported operation %q", rec.Operation)
	}

	rawKey, hasKey, err := keyOf(rec.Key, d.config.KeyColumn)
	if err != nil {
		return p, err
	}
	ref, err := d.tableRef(rec)
	if err != nil {
		return p, err
	}
	p.table, err = d.catalog.resolve(ctx, ref, d.keyTypeOf(rec, rawKey, hasKey))
	if err != nil {
		return p, err
	}

	if p.delete {
		err = d.prepareDelete(&p, rec, rawKey, hasKey)
	} else {
		err = d.prepareUpsert(ctx, &p, rec, rawKey, hasKey)
	}
	return p, err
}

// tableRef renders the table setting for the record.
func (d *Destination) tableRef(rec opencdc.Record) (string, error) {
	if d.tableTemplate == nil {
		return d.config.Table, nil
	}
	var out bytes.Buffer
	if err := d.tableTemplate.Execute(&out, rec); err != nil {
		return "", fmt.Errorf("render table template %q: %w", d.config.Table, err)
	}
	return out.String(), nil
}

func (d *Destination) prepareUpsert(ctx context.Context, p *prepared, rec opencdc.Record,
	rawKey any, hasKey bool,
) error {
	fields, err := fieldsOf(rec.Payload.After)
	if err != nil {
		return err
	}
	p.data, err = d.mapFields(ctx, p.table, rec, fields)
	if err != nil {
		return err
	}

	keyCol := p.table.key
	payloadKey, hasPayloadKey := p.data[keyCol.ID]
	if hasKey {
		recordKey, err := convertValue(keyCol, rawKey)
		if err != nil {
			return fmt.Errorf("record key %v does not fit key column %q: %w", rawKey, keyCol.Name, err)
		}
		if hasPayloadKey && keyText(keyCol, payloadKey) != keyText(keyCol, recordKey) {
			return fmt.Errorf("record key %v and payload value %v of key column %q differ; "+
				"make them equal or drop one of them", rawKey, payloadKey, keyCol.Name)
		}
		if !hasPayloadKey {
			p.data[keyCol.ID] = recordKey
		}
	} else if !hasPayloadKey {
		return fmt.Errorf("missing key: the record has no key and its payload has no field %q",
			keyCol.Name)
	}
	return p.setKey(p.data[keyCol.ID])
}

func (p *prepared) setKey(v any) error {
	if v == nil {
		return fmt.Errorf("key column %q value is null", p.table.key.Name)
	}
	p.key = v
	p.keyText = keyText(p.table.key, v)
	return nil
}

// mapFields converts the payload fields to record data keyed by column id.
// Fields are visited in name order, so columns are created in a stable
// order.
func (d *Destination) mapFields(ctx context.Context, t *tableInfo, rec opencdc.Record,
	fields map[string]any,
) (teicor.RecordData, error) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)

	data := make(teicor.RecordData, len(fields)+1)
	fieldOfColumn := make(map[string]string, len(fields))
	for _, name := range names {
		value := fields[name]
		col, err := d.catalog.column(ctx, t, name, d.columnCreator(ctx, rec, name, value))
		if err != nil {
			return nil, err
		}
		if other, dup := fieldOfColumn[col.ID]; dup {
			return nil, fmt.Errorf("fields %q and %q both map to column %q; drop one of them",
				other, name, col.Name)
		}
		converted, err := convertValue(col, value)
		if err != nil {
			return nil, fmt.Errorf("field %q does not fit column %q (%s): %w", name, col.Name, col.Type, err)
		}
		fieldOfColumn[col.ID] = name
		data[col.ID] = converted
	}
	return data, nil
}

// prepareDelete finds the key of a delete in the record key or, without
// one, in the payload's before image.
func (d *Destination) prepareDelete(p *prepared, rec opencdc.Record, rawKey any, hasKey bool) error {
	keyCol := p.table.key
	if !hasKey {
		before, err := fieldsOf(rec.Payload.Before)
		if err != nil {
			return err
		}
		rawKey, hasKey = fieldByColumn(before, keyCol.Name)
	}
	if !hasKey {
		return fmt.Errorf("missing key: the delete has no record key and no payload.before "+
			"field %q", keyCol.Name)
	}
	key, err := convertValue(keyCol, rawKey)
	if err != nil {
		return fmt.Errorf("record key %v does not fit key column %q: %w", rawKey, keyCol.Name, err)
	}
	return p.setKey(key)
}

// fieldByColumn returns the field named column, matched exactly and then
// case-insensitively when exactly one field matches.
func fieldByColumn(fields map[string]any, column string) (any, bool) {
	if v, ok := fields[column]; ok {
		return v, true
	}
	var found any
	matches := 0
	for name, v := range fields {
		if strings.EqualFold(name, column) {
			found = v
			matches++
		}
	}
	return found, matches == 1
}
