package destination

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// jsonNumber matches the JSON number grammar (RFC 8259, section 6).
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// maxDecimalPlaces is the maximum number of decimal places that
// decimalPlaces counts in exponent notation before it rejects a number
// such as 1e-300.
const maxDecimalPlaces = 64

// numberText returns v as JSON number text. It accepts Go integers,
// finite floats, json.Number and strings in the JSON number grammar.
func numberText(v any) (string, error) {
	switch n := v.(type) {
	case int:
		return strconv.FormatInt(int64(n), 10), nil
	case int8:
		return strconv.FormatInt(int64(n), 10), nil
	case int16:
		return strconv.FormatInt(int64(n), 10), nil
	case int32:
		return strconv.FormatInt(int64(n), 10), nil
	case int64:
		return strconv.FormatInt(n, 10), nil
	case uint:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(n), 10), nil
	case uint64:
		return strconv.FormatUint(n, 10), nil
	case float32:
		return floatText(float64(n), 32)
	case float64:
		return floatText(n, 64)
	case json.Number:
		return numericString(string(n))
	case *big.Rat:
		return ratText(n), nil
	case string:
		return numericString(n)
	default:
		return "", fmt.Errorf("%T value %v is not a number", v, v)
	}
}

func floatText(f float64, bitSize int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v is not a finite number", f)
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		return strconv.FormatFloat(f, 'f', -1, bitSize), nil
	}
	return strconv.FormatFloat(f, 'g', -1, bitSize), nil
}

func numericString(s string) (string, error) {
	trimmed := strings.TrimSpace(s)
	if !jsonNumber.MatchString(trimmed) {
		return "", fmt.Errorf("string %q is not a number", s)
	}
	return trimmed, nil
}

// decimalPlaces returns the number of decimal places that the JSON number
// text needs, so 1.50 has 1 and 1.5e1 has 0.
func decimalPlaces(text string) (int, error) {
	if f, err := strconv.ParseFloat(text, 64); err != nil || (f == 0 && !isZeroText(text)) {
		return 0, fmt.Errorf("%s is out of the range of a 64-bit float", text)
	}
	if !strings.ContainsAny(text, "eE") {
		_, fraction, _ := strings.Cut(text, ".")
		return len(strings.TrimRight(fraction, "0")), nil
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	ten := big.NewRat(10, 1)
	for places := 0; places <= maxDecimalPlaces; places++ {
		if r.IsInt() {
			return places, nil
		}
		r.Mul(r, ten)
	}
	return 0, fmt.Errorf("%s has more than %d decimal places", text, maxDecimalPlaces)
}

// isZeroText reports whether the number text has only zero digits before
// its exponent, to distinguish a true zero from an underflow to zero.
func isZeroText(text string) bool {
	mantissa, _, _ := strings.Cut(strings.ToLower(text), "e")
	return strings.Trim(mantissa, "-0.") == ""
}

func parseRat(text string) (*big.Rat, bool) {
	return new(big.Rat).SetString(text)
}

// ratText returns r as decimal text, exact when r has at most
// maxDecimalPlaces decimal places and rounded to that many otherwise.
func ratText(r *big.Rat) string {
	scaled := new(big.Rat).Set(r)
	ten := big.NewRat(10, 1)
	for places := 0; places < maxDecimalPlaces; places++ {
		if scaled.IsInt() {
			return r.FloatString(places)
		}
		scaled.Mul(scaled, ten)
	}
	return r.FloatString(maxDecimalPlaces)
}
