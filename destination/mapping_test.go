package destination

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/hamba/avro/v2"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestFieldsOf(t *testing.T) {
	tests := []struct {
		name string
		in   opencdc.Data
		want map[string]any
	}{
		{"nil", nil, nil},
		{"structured", opencdc.StructuredData{"a": 1}, map[string]any{"a": 1}},
		{"raw object", opencdc.RawData(`{"a": 1.5, "b": "x"}`), map[string]any{"a": json.Number("1.5"), "b": "x"}},
		{"raw empty", opencdc.RawData(" "), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, err := fieldsOf(tt.in)
			is.NoErr(err)
			is.Equal(got, tt.want)
		})
	}
}

func TestFieldsOfRejectsRaw(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"array", `[1, 2]`},
		{"null", `null`},
		{"text", `hello`},
		{"two objects", `{"a": 1} {"b": 2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			_, err := fieldsOf(opencdc.RawData(tt.in))
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), "raw payload is not a JSON object"))
		})
	}
}

func TestKeyOf(t *testing.T) {
	tests := []struct {
		name    string
		key     opencdc.Data
		want    any
		wantHas bool
	}{
		{"nil", nil, nil, false},
		{"empty raw", opencdc.RawData(""), nil, false},
		{"raw", opencdc.RawData("sku-1"), "sku-1", true},
		{"key column", opencdc.StructuredData{"sku": "a", "id": 9}, "a", true},
		{"key column other case", opencdc.StructuredData{"SKU": "b"}, "b", true},
		{"id field", opencdc.StructuredData{"id": 7}, 7, true},
		{"empty structured", opencdc.StructuredData{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, has, err := keyOf(tt.key, "sku")
			is.NoErr(err)
			is.Equal(has, tt.wantHas)
			is.Equal(got, tt.want)
		})
	}
}

func TestKeyOfRejects(t *testing.T) {
	tests := []struct {
		name string
		key  opencdc.StructuredData
		want string
	}{
		{"ambiguous", opencdc.StructuredData{"SKU": 1, "Sku": 2}, `record key fields "SKU", "Sku" all match keyColumn "sku"`},
		{"no key field", opencdc.StructuredData{"name": 1}, `record key has fields "name" but neither "sku" nor "id"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			_, _, err := keyOf(tt.key, "sku")
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tt.want))
		})
	}
}

func TestKeyTextEqualNumbers(t *testing.T) {
	is := is.New(t)
	col := teicor.Column{Type: teicor.ColumnNumber}
	is.Equal(keyText(col, json.Number("1.50")), keyText(col, 1.5))
	is.Equal(keyText(col, json.Number("10")), keyText(col, 10))
	is.True(keyText(col, 10) != keyText(col, 11))
	text := teicor.Column{Type: teicor.ColumnSingleLineText}
	is.Equal(keyText(text, "a"), `"a"`)
}

func TestTableMatch(t *testing.T) {
	table := &tableInfo{id: "tbl_1", name: "items"}
	table.setColumns([]teicor.Column{
		{ID: "c1", Name: "Name"},
		{ID: "c2", Name: "name"},
		{ID: "c3", Name: "Price"},
	})

	tests := []struct {
		field  string
		wantID string
		found  bool
		errMsg string
	}{
		{field: "Name", wantID: "c1", found: true},
		{field: "name", wantID: "c2", found: true},
		{field: "price", wantID: "c3", found: true},
		{field: "NAME", errMsg: `field "NAME" is ambiguous in table "items" (tbl_1): it matches columns "Name", "name"`},
		{field: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			is := is.New(t)
			col, found, err := table.match(tt.field)
			if tt.errMsg != "" {
				is.True(err != nil)
				is.True(strings.Contains(err.Error(), tt.errMsg))
				return
			}
			is.NoErr(err)
			is.Equal(found, tt.found)
			is.Equal(col.ID, tt.wantID)
		})
	}
}

func TestInferFromValue(t *testing.T) {
	tests := []struct {
		name      string
		in        any
		wantType  teicor.ColumnType
		precision int
	}{
		{"string", "x", teicor.ColumnSingleLineText, 0},
		{"bool", false, teicor.ColumnBoolean, 0},
		{"int", 3, teicor.ColumnNumber, 0},
		{"float", 2.125, teicor.ColumnNumber, 3},
		{"json number", json.Number("1.5"), teicor.ColumnNumber, 1},
		{"long fraction", 1.0 / 3.0, teicor.ColumnNumber, maxInferredPrecision},
		{"time", time.Now(), teicor.ColumnDatetime, 0},
		{"list", []any{"a", "b"}, teicor.ColumnJSON, 0},
		{"map", map[string]any{"a": 1}, teicor.ColumnJSON, 0},
		{"null", nil, teicor.ColumnJSON, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			typ, cfg := inferFromValue(tt.in)
			is.Equal(typ, tt.wantType)
			is.Equal(cfg.Precision, tt.precision)
		})
	}
}

func TestInferFromAvro(t *testing.T) {
	record := avro.MustParse(`{
		"type": "record", "name": "item",
		"fields": [
			{"name": "name", "type": "string"},
			{"name": "qty", "type": ["null", "long"]},
			{"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
			{"name": "ratio", "type": "double"},
			{"name": "active", "type": "boolean"},
			{"name": "day", "type": {"type": "int", "logicalType": "date"}},
			{"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
			{"name": "color", "type": {"type": "enum", "name": "color", "symbols": ["red", "green"]}},
			{"name": "tags", "type": {"type": "array", "items": "string"}},
			{"name": "mixed", "type": ["null", "string", "long"]}
		]
	}`).(*avro.RecordSchema)

	tests := []struct {
		field    string
		value    any
		wantType teicor.ColumnType
		wantCfg  teicor.ColumnConfig
	}{
		{"name", "x", teicor.ColumnSingleLineText, teicor.ColumnConfig{}},
		{"qty", int64(1), teicor.ColumnNumber, teicor.ColumnConfig{}},
		{"price", big.NewRat(1, 2), teicor.ColumnNumber, teicor.ColumnConfig{Precision: 2}},
		{"ratio", 0.25, teicor.ColumnNumber, teicor.ColumnConfig{Precision: 2}},
		{"active", true, teicor.ColumnBoolean, teicor.ColumnConfig{}},
		{"day", time.Now(), teicor.ColumnDate, teicor.ColumnConfig{}},
		{"at", time.Now(), teicor.ColumnDatetime, teicor.ColumnConfig{}},
		{"color", "red", teicor.ColumnSingleSelect, teicor.ColumnConfig{Options: []string{"red", "green"}}},
		{"tags", []any{"a"}, teicor.ColumnJSON, teicor.ColumnConfig{}},
		{"mixed", "a", teicor.ColumnJSON, teicor.ColumnConfig{}},
	}
	fields := map[string]avro.Schema{}
	for _, f := range record.Fields() {
		fields[f.Name()] = f.Type()
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			is := is.New(t)
			typ, cfg, ok := inferFromAvro(fields[tt.field], tt.value)
			is.True(ok)
			is.Equal(typ, tt.wantType)
			is.Equal(cfg, tt.wantCfg)
		})
	}
}
