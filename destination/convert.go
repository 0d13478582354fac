package destination

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// dateLayout is the format of date column values.
const dateLayout = "2006-01-02"

// convertValue converts a record field value to the JSON value that the
// column's type accepts. The error is the reason for a rejection, without
// the field or column name, which the caller adds.
func convertValue(col teicor.Column, v any) (any, error) {
	if v == nil {
		if col.Config.Required {
			return nil, errors.New("the column is required but the value is null")
		}
		return nil, nil
	}
	switch col.Type {
	case teicor.ColumnNumber:
		return convertNumber(v, col.Config.Precision)
	case teicor.ColumnBoolean:
		return convertBool(v)
	case teicor.ColumnDate:
		return convertDate(v)
	case teicor.ColumnDatetime:
		return convertDatetime(v)
	case teicor.ColumnSingleSelect:
		return convertSelect(v, col.Config.Options)
	case teicor.ColumnMultiSelect:
		return convertMultiSelect(v, col.Config.Options)
	case teicor.ColumnJSON:
		return convertJSON(v)
	case teicor.ColumnSingleLineText, teicor.ColumnLongText, teicor.ColumnEmail,
		teicor.ColumnURL, teicor.ColumnPhone:
		return convertText(v)
	default:
		return nil, fmt.Errorf("column type %q is not supported by this connector", col.Type)
	}
}

func convertNumber(v any, precision int) (any, error) {
	text, err := numberText(v)
	if err != nil {
		return nil, err
	}
	places, err := decimalPlaces(text)
	if err != nil {
		return nil, err
	}
	if places > precision {
		return nil, fmt.Errorf("%s has %d decimal places but the column's precision is %d",
			text, places, precision)
	}
	return json.Number(text), nil
}

func convertBool(v any) (any, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(b)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("string %q is not a boolean; use true or false", b)
	default:
		return nil, fmt.Errorf("%T value %v is not a boolean", v, v)
	}
}

func convertDate(v any) (any, error) {
	switch d := v.(type) {
	case time.Time:
		// The date is the calendar date in the time's own location.
		return d.Format(dateLayout), nil
	case string:
		if _, err := time.Parse(dateLayout, d); err != nil {
			return nil, fmt.Errorf("string %q is not a date in the form YYYY-MM-DD", d)
		}
		return d, nil
	default:
		return nil, fmt.Errorf("%T value %v is not a date; use a time or a YYYY-MM-DD string", v, v)
	}
}

func convertDatetime(v any) (any, error) {
	switch d := v.(type) {
	case time.Time:
		return d.UTC().Format(time.RFC3339Nano), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, d)
		if err != nil {
			return nil, fmt.Errorf("string %q is not an RFC 3339 date-time such as "+
				"2026-12-04T14:31:44Z", d)
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	default:
		return nil, fmt.Errorf("%T value %v is not a date-time; use a time or an RFC 3339 string", v, v)
	}
}

func convertSelect(v any, options []string) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%T value %v is not a string option", v, v)
	}
	if !slices.Contains(options, s) {
		return nil, fmt.Errorf("%q is not an option of the column (options: %s)", s, quoteList(options))
	}
	return s, nil
}

func convertMultiSelect(v any, options []string) (any, error) {
	var items []string
	switch list := v.(type) {
	case []string:
		items = list
	case []any:
		items = make([]string, len(list))
		for i, item := range list {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("item %d is a %T, not a string option", i, item)
			}
			items[i] = s
		}
	default:
		return nil, fmt.Errorf("%T value is not a list of string options", v)
	}
	out := make([]string, len(items))
	for i, s := range items {
		if !slices.Contains(options, s) {
			return nil, fmt.Errorf("item %q is not an option of the column (options: %s)",
				s, quoteList(options))
		}
		out[i] = s
	}
	return out, nil
}

func convertJSON(v any) (any, error) {
	if _, err := json.Marshal(v); err != nil {
		return nil, fmt.Errorf("%T value cannot be encoded as JSON: %w", v, err)
	}
	return v, nil
}

func convertText(v any) (any, error) {
	switch s := v.(type) {
	case string:
		return s, nil
	case []byte:
		if !utf8.Valid(s) {
			return nil, errors.New("bytes are not valid UTF-8 text")
		}
		return string(s), nil
	case bool:
		return fmt.Sprint(s), nil
	case time.Time:
		return s.UTC().Format(time.RFC3339Nano), nil
	}
	if text, err := numberText(v); err == nil {
		return text, nil
	}
	return nil, fmt.Errorf("%T value is not text", v)
}
