package teicortest

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
)

// maxExactExponent bounds the exponent of a number that is rewritten in
// canonical decimal form. A larger one, such as 1e1000000, would expand
// to that many digits, so it is kept as written.
const maxExactExponent = 400

// canonicalNumber rewrites a JSON number as its shortest exact decimal,
// without an exponent or trailing zeros, so that 1e3, 1000 and 1000.0
// are stored, indexed and compared as the same value. Numbers are kept as
// text, so no digit is lost to float64 rounding.
func canonicalNumber(num json.Number) json.Number {
	r, places, ok := exactNumber(num)
	if !ok {
		return num
	}
	text := r.FloatString(places)
	if strings.Contains(text, ".") {
		text = strings.TrimRight(strings.TrimRight(text, "0"), ".")
	}
	if text == "-0" {
		text = "0"
	}
	return json.Number(text)
}

// exactNumber parses num exactly and returns the decimal places that
// its value needs. It returns false for invalid text and for an exponent
// beyond maxExactExponent.
func exactNumber(num json.Number) (*big.Rat, int, bool) {
	text := num.String()
	mantissa, exponent := text, 0
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		e, err := strconv.Atoi(text[i+1:])
		if err != nil || e > maxExactExponent || e < -maxExactExponent {
			return nil, 0, false
		}
		mantissa, exponent = text[:i], e
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, 0, false
	}
	fraction := 0
	if i := strings.IndexByte(mantissa, '.'); i >= 0 {
		fraction = len(mantissa) - i - 1
	}
	return r, max(fraction-exponent, 0), true
}

// compareNumbers orders two JSON numbers by value: exactly when both
// parse, by their float64 values otherwise.
func compareNumbers(a, b json.Number) int {
	ra, _, okA := exactNumber(a)
	rb, _, okB := exactNumber(b)
	if okA && okB {
		return ra.Cmp(rb)
	}
	fa, errA := a.Float64()
	fb, errB := b.Float64()
	if errA != nil || errB != nil {
		return strings.Compare(a.String(), b.String())
	}
	return cmpOrdered(fa, fb)
}

// adminValue converts a stored value for the admin helpers: json.Number
// values become float64, recursively, as encoding/json decodes them by
// default.
func adminValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = adminValue(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = adminValue(item)
		}
		return out
	}
	return v
}
