package teicortest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// checkValue validates v, decoded with json.Number, against the column's
// type and config. It returns the stored form of v (numbers as canonical
// json.Number, see canonicalNumber) or the reason v is invalid. Null is valid unless the column is required.
func checkValue(col *column, v any) (any, string) {
	if v == nil {
		if col.cfg.required {
			return nil, "required"
		}
		return nil, ""
	}
	switch col.colType {
	case "single_line_text", "long_text", "phone":
		return checkString(v)
	case "email":
		return checkEmail(v)
	case "url":
		return checkURL(v)
	case "number":
		return checkNumber(v, col.cfg.precision)
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, ""
		}
		return nil, "expected true or false"
	case "date":
		return checkTimeString(v, time.DateOnly, "expected a date YYYY-MM-DD")
	case "datetime":
		return checkTimeString(v, time.RFC3339Nano, "expected an RFC 3339 datetime")
	case "single_select":
		return checkOption(v, col.cfg.options)
	case "multi_select":
		return checkOptions(v, col.cfg.options)
	}
	return normalizeJSON(v), ""
}

func checkString(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, "expected a string"
	}
	return s, ""
}

func checkEmail(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, "expected a string"
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return nil, fmt.Sprintf("invalid email address %q", s)
	}
	return s, ""
}

func checkURL(v any) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, "expected a string"
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Sprintf("invalid URL %q: expected an absolute URL such as https://example.com", s)
	}
	return s, ""
}

// checkNumber accepts a JSON number with at most precision decimal places.
// It compares exactly, on the decimal text, so 0.1 with precision 1 passes
// and 0.15 with precision 1 fails.
func checkNumber(v any, precision int) (any, string) {
	num, ok := v.(json.Number)
	if !ok {
		return nil, "expected a number"
	}
	r, ok := new(big.Rat).SetString(num.String())
	if !ok {
		return nil, fmt.Sprintf("invalid number %s", num)
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil))
	if !r.Mul(r, scale).IsInt() {
		if precision == 0 {
			return nil, fmt.Sprintf("expected an integer, got %s", num)
		}
		return nil, fmt.Sprintf("expected at most %d decimal places, got %s", precision, num)
	}
	return canonicalNumber(num), ""
}

func checkTimeString(v any, layout, reason string) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, reason
	}
	if _, err := time.Parse(layout, s); err != nil {
		return nil, fmt.Sprintf("%s, got %q", reason, s)
	}
	return s, ""
}

func checkOption(v any, options []string) (any, string) {
	s, ok := v.(string)
	if !ok {
		return nil, "expected a string option"
	}
	if !slices.Contains(options, s) {
		return nil, fmt.Sprintf("%q is not one of the options %v", s, options)
	}
	return s, ""
}

func checkOptions(v any, options []string) (any, string) {
	items, ok := v.([]any)
	if !ok {
		return nil, "expected an array of string options"
	}
	out := make([]any, 0, len(items))
	for _, item := range items {
		s, reason := checkOption(item, options)
		if reason != "" {
			return nil, reason
		}
		out = append(out, s)
	}
	return out, ""
}

// normalizeJSON rewrites json.Number values in canonical form,
// recursively, so that equal numbers have the same valueKey.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		return canonicalNumber(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = normalizeJSON(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = normalizeJSON(item)
		}
		return out
	}
	return v
}

// toJSONValue converts a Go value from an admin helper into the form a
// request body decodes to, so admin writes are validated like API writes.
func toJSONValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode value %v: %w", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode value %s: %w", raw, err)
	}
	return out, nil
}

// valueKey is the canonical text of a stored value, used by the unique
// index and by equality in filters.
func valueKey(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(raw))
}
