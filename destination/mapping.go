package destination

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/conduitio/conduit-commons/opencdc"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// fieldsOf returns the fields of a payload: structured data as it is, or
// raw data that contains a JSON object, decoded with numbers as
// json.Number. An empty payload has no fields.
func fieldsOf(data opencdc.Data) (map[string]any, error) {
	switch d := data.(type) {
	case nil:
		return nil, nil
	case opencdc.StructuredData:
		return d, nil
	case opencdc.RawData:
		return decodeJSONObject(d)
	default:
		return nil, fmt.Errorf("unsupported payload type %T", data)
	}
}

func decodeJSONObject(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var fields map[string]any
	err := dec.Decode(&fields)
	if err == nil && dec.More() {
		err = errors.New("data follows the object")
	}
	if err != nil || fields == nil {
		return nil, fmt.Errorf("raw payload is not a JSON object (%s); send structured data "+
			"or a JSON object such as {\"id\": 1}", describeJSONError(err))
	}
	return fields, nil
}

func describeJSONError(err error) string {
	if err == nil {
		return "it is null"
	}
	return err.Error()
}

// keyOf returns the record key value. A structured key contributes its
// field named keyColumn (exactly, then case-insensitively) or else its
// field "id"; a raw key is its bytes as a string. An empty key has no
// value.
func keyOf(key opencdc.Data, keyColumn string) (any, bool, error) {
	switch k := key.(type) {
	case nil:
		return nil, false, nil
	case opencdc.RawData:
		if len(k) == 0 {
			return nil, false, nil
		}
		return string(k), true, nil
	case opencdc.StructuredData:
		return structuredKey(k, keyColumn)
	default:
		return nil, false, fmt.Errorf("unsupported key type %T", key)
	}
}

func structuredKey(key opencdc.StructuredData, keyColumn string) (any, bool, error) {
	if len(key) == 0 {
		return nil, false, nil
	}
	if v, ok := key[keyColumn]; ok {
		return v, true, nil
	}

	var matches []string
	for name := range key {
		if strings.EqualFold(name, keyColumn) {
			matches = append(matches, name)
		}
	}
	slices.Sort(matches)
	if len(matches) > 1 {
		return nil, false, fmt.Errorf("record key fields %s all match keyColumn %q "+
			"case-insensitively; keep one of them", quoteList(matches), keyColumn)
	}
	if len(matches) == 1 {
		return key[matches[0]], true, nil
	}

	if v, ok := key["id"]; ok {
		return v, true, nil
	}
	fields := make([]string, 0, len(key))
	for name := range key {
		fields = append(fields, name)
	}
	slices.Sort(fields)
	return nil, false, fmt.Errorf("record key has fields %s but neither %q nor \"id\"; "+
		"set keyColumn to the key field or send a raw key", quoteList(fields), keyColumn)
}

// keyText returns a canonical text of a converted key value, equal for two
// values that Teicor stores as the same key.
func keyText(col teicor.Column, v any) string {
	if col.Type == teicor.ColumnNumber {
		if text, err := numberText(v); err == nil {
			if r, ok := parseRat(text); ok {
				return r.RatString()
			}
		}
	}
	encoded, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(encoded)
}
