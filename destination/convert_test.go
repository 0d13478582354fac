package destination

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

func TestConvertValue(t *testing.T) {
	number0 := teicor.Column{Name: "qty", Type: teicor.ColumnNumber}
	number2 := teicor.Column{Name: "price", Type: teicor.ColumnNumber, Config: teicor.ColumnConfig{Precision: 2}}
	boolean := teicor.Column{Name: "active", Type: teicor.ColumnBoolean}
	date := teicor.Column{Name: "day", Type: teicor.ColumnDate}
	datetime := teicor.Column{Name: "at", Type: teicor.ColumnDatetime}
	text := teicor.Column{Name: "name", Type: teicor.ColumnSingleLineText}
	options := teicor.ColumnConfig{Options: []string{"red", "green"}}
	single := teicor.Column{Name: "color", Type: teicor.ColumnSingleSelect, Config: options}
	multi := teicor.Column{Name: "tags", Type: teicor.ColumnMultiSelect, Config: options}
	jsonCol := teicor.Column{Name: "meta", Type: teicor.ColumnJSON}
	berlin := time.FixedZone("CET", 3600)

	tests := []struct {
		name string
		col  teicor.Column
		in   any
		want any
	}{
		{"int", number0, 42, json.Number("42")},
		{"int8", number0, int8(-8), json.Number("-8")},
		{"uint64", number0, uint64(math.MaxUint64), json.Number("18446744073709551615")},
		{"integral float", number0, 3.0, json.Number("3")},
		{"float", number2, 19.99, json.Number("19.99")},
		{"float32", number2, float32(0.5), json.Number("0.5")},
		{"json number", number2, json.Number("1.50"), json.Number("1.50")},
		{"numeric string", number2, " 2.5e1 ", json.Number("2.5e1")},
		{"big rat", number2, big.NewRat(5, 4), json.Number("1.25")},
		{"bool", boolean, true, true},
		{"bool string", boolean, "FALSE", false},
		{"date from time", date, time.Date(2026, 12, 4, 23, 30, 0, 0, berlin), "2026-12-04"},
		{"date string", date, "2026-02-28", "2026-02-28"},
		{"datetime from time", datetime, time.Date(2026, 12, 4, 1, 2, 3, 4000, berlin), "2026-12-04T00:02:03.000004Z"},
		{"datetime string", datetime, "2026-12-04T14:31:44+02:00", "2026-12-04T12:31:44Z"},
		{"text", text, "héllo 👋", "héllo 👋"},
		{"text from bytes", text, []byte("raw"), "raw"},
		{"text from int", text, 7, "7"},
		{"single select", single, "red", "red"},
		{"multi select strings", multi, []string{"red", "green"}, []string{"red", "green"}},
		{"multi select any", multi, []any{"green"}, []string{"green"}},
		{"json map", jsonCol, map[string]any{"a": 1}, map[string]any{"a": 1}},
		{"json list", jsonCol, []any{"a", 1.5}, []any{"a", 1.5}},
		{"null", number0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, err := convertValue(tt.col, tt.in)
			is.NoErr(err)
			is.Equal(got, tt.want)
		})
	}
}

func TestConvertValueRejects(t *testing.T) {
	number0 := teicor.Column{Name: "qty", Type: teicor.ColumnNumber}
	number2 := teicor.Column{Name: "price", Type: teicor.ColumnNumber, Config: teicor.ColumnConfig{Precision: 2}}
	options := teicor.ColumnConfig{Options: []string{"red", "green"}}

	tests := []struct {
		name   string
		col    teicor.Column
		in     any
		reason string
	}{
		{"fraction in integer column", number0, 1.5, "1.5 has 1 decimal places but the column's precision is 0"},
		{"too many decimals", number2, "0.125", "0.125 has 3 decimal places but the column's precision is 2"},
		{"not numeric string", number0, "12abc", `string "12abc" is not a number`},
		{"hex string", number0, "0x10", `string "0x10" is not a number`},
		{"NaN", number0, math.NaN(), "NaN is not a finite number"},
		{"infinity", number0, math.Inf(1), "+Inf is not a finite number"},
		{"overflow", number0, "1e999", "1e999 is out of the range of a 64-bit float"},
		{"bool as number", number0, true, "bool value true is not a number"},
		{"number as bool", teicor.Column{Type: teicor.ColumnBoolean}, 1, "int value 1 is not a boolean"},
		{"yes as bool", teicor.Column{Type: teicor.ColumnBoolean}, "yes", `string "yes" is not a boolean; use true or false`},
		{"bad date", teicor.Column{Type: teicor.ColumnDate}, "04/12/2026", `string "04/12/2026" is not a date in the form YYYY-MM-DD`},
		{"bad datetime", teicor.Column{Type: teicor.ColumnDatetime}, "2026-12-04 10:00", `string "2026-12-04 10:00" is not an RFC 3339 date-time`},
		{"unknown option", teicor.Column{Type: teicor.ColumnSingleSelect, Config: options}, "blue", `"blue" is not an option of the column (options: "red", "green")`},
		{"unknown item", teicor.Column{Type: teicor.ColumnMultiSelect, Config: options}, []any{"red", "blue"}, `item "blue" is not an option`},
		{"non-string item", teicor.Column{Type: teicor.ColumnMultiSelect, Config: options}, []any{1}, "item 0 is a int, not a string option"},
		{"map as text", teicor.Column{Type: teicor.ColumnLongText}, map[string]any{}, "map[string]interface {} value is not text"},
		{"invalid utf-8", teicor.Column{Type: teicor.ColumnLongText}, []byte{0xff}, "bytes are not valid UTF-8 text"},
		{"channel as json", teicor.Column{Type: teicor.ColumnJSON}, make(chan int), "chan int value cannot be encoded as JSON"},
		{"null in required", teicor.Column{Type: teicor.ColumnEmail, Config: teicor.ColumnConfig{Required: true}}, nil, "the column is required but the value is null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			_, err := convertValue(tt.col, tt.in)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tt.reason)) // error names the reason
		})
	}
}

func TestDecimalPlaces(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"0", 0},
		{"12", 0},
		{"1.50", 1},
		{"1.5e1", 0},
		{"1.25e-2", 4},
		{"-0.001", 3},
		{"0e-5", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			is := is.New(t)
			got, err := decimalPlaces(tt.text)
			is.NoErr(err)
			is.Equal(got, tt.want)
		})
	}
}

func TestDecimalPlacesTiny(t *testing.T) {
	is := is.New(t)
	_, err := decimalPlaces("1e-300")
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "more than 64 decimal places"))
}
