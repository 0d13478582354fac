package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"
)

func TestPositionRoundTrip(t *testing.T) {
	is := is.New(t)
	want := Position{
		Version:   positionVersion,
		Selection: "abc",
		Tables: &TablesProgress{
			Since: 1764858704123456,
			Next:  1764858709000000,
			Done:  "tbl_0002",
			Hot: []TableMark{{
				ID: "tbl_0001", Watermark: "w1.7", Cutoff: 1764858700000000,
				Boundary: map[string]uint64{"rec_0001": 42},
			}},
			Pass: &TablePass{
				Mark:   TableMark{ID: "tbl_0003", Watermark: "w1.9", Cutoff: 5},
				Filter: TableMark{ID: "tbl_0003", Cutoff: 1},
				Offset: 1000, LastCreated: 4, LastID: "rec_1000",
			},
		},
		Queries: &QueryProgress{Since: 7, Hot: []QueryMark{{ID: "qry_0001", Watermark: "w1.3", Rows: 12}}},
	}
	got, err := ParsePosition(want.Encode())
	is.NoErr(err)
	is.Equal(got.Tables.Pass.LastID, "rec_1000")
	is.Equal(got.Tables.Hot[0].Boundary["rec_0001"], uint64(42))
	is.Equal(got.Queries.Hot[0].Rows, 12)
	is.True(bytes.Equal(got.Encode(), want.Encode()))
}

func TestParsePositionEmpty(t *testing.T) {
	is := is.New(t)
	pos, err := ParsePosition(nil)
	is.NoErr(err)
	is.Equal(pos.Version, positionVersion)
	is.Equal(pos.Tables, nil)
}

func TestParsePositionInvalid(t *testing.T) {
	cases := map[string]struct {
		in   string
		want string
	}{
		"not json":      {in: "tbl_1", want: "invalid position"},
		"wrong version": {in: `{"v":9}`, want: "unsupported version 9"},
		"no version":    {in: `{"t":{}}`, want: "unsupported version 0"},
		"pass no id":    {in: `{"v":1,"t":{"p":{"m":{"c":1},"f":{"c":1}}}}`, want: "table pass without a table id"},
		"neg offset":    {in: `{"v":1,"t":{"p":{"m":{"i":"a","c":1},"f":{"c":1},"o":-3}}}`, want: "negative offset -3"},
		"neg rows":      {in: `{"v":1,"q":{"h":[{"i":"q","r":-1}]}}`, want: "invalid query mark"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			_, err := ParsePosition(opencdc.Position(tc.in))
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tc.want))
			is.True(strings.Contains(err.Error(), "reset the pipeline's position"))
		})
	}
}

// TestPositionSize reports the encoded size with the hot set full, for a
// selection of 1, 100 and 1,000 tables. The size does not depend on the
// number of selected tables.
func TestPositionSize(t *testing.T) {
	for _, tables := range []int{1, 100, 1000} {
		pos := Position{Version: positionVersion, Selection: "0123456789ab", Tables: &TablesProgress{
			Since: 1764858704123456, Next: 1764858709000000, Done: "tbl_000000000001",
		}}
		for i := range min(tables, maxHot) {
			mark := TableMark{
				ID: fmt.Sprintf("tbl_%012d", i), Watermark: fmt.Sprintf("w1.%d", 1000000+i),
				Cutoff: 1764858704123456, Boundary: map[string]uint64{},
			}
			mark.Boundary[fmt.Sprintf("rec_%012d", i)] = 0xfedcba9876543211
			pos.Tables.Hot = append(pos.Tables.Hot, mark)
		}
		size := len(pos.Encode())
		t.Logf("%d selected tables: %d bytes", tables, size)
		if size > 4096 {
			t.Errorf("position for %d tables is %d bytes, expected at most 4096", tables, size)
		}
	}
}

// TestPositionMaxSize reports the largest position: every mark and the
// current pass with a full boundary.
func TestPositionMaxSize(t *testing.T) {
	boundary := func() map[string]uint64 {
		b := map[string]uint64{}
		for i := range maxBoundary {
			b[fmt.Sprintf("rec_%010d", i)] = 0xfedcba9876543211
		}
		return b
	}
	mark := func(i int) TableMark {
		return TableMark{
			ID: fmt.Sprintf("tbl_%010d", i), Watermark: fmt.Sprintf("w1.%d", 1000000+i),
			Cutoff: 1764858704123456, Boundary: boundary(),
		}
	}
	pos := Position{Version: positionVersion, Selection: "0123456789ab", Tables: &TablesProgress{
		Since: 1764858704123456, Next: 1764858709000000, Done: "tbl_0000000001",
		Pass: &TablePass{Mark: mark(99), Filter: mark(99), Offset: 123456, LastCreated: 1764858704123456, LastID: "rec_0000123456"},
	}}
	for i := range maxHot {
		pos.Tables.Hot = append(pos.Tables.Hot, mark(i))
	}
	size := len(pos.Encode())
	t.Logf("largest table position: %d bytes", size)
	if size > 16<<10 {
		t.Errorf("largest position is %d bytes, expected at most 16 KiB", size)
	}
}

func FuzzParsePosition(f *testing.F) {
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"t":{"s":5,"h":[{"i":"a","c":1,"b":{"r":3}}],"p":{"m":{"i":"a","c":1},"f":{"c":1},"o":2}}}`))
	f.Add([]byte(`{"v":1,"q":{"h":[{"i":"q","w":"w","r":2}]}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, in []byte) {
		pos, err := ParsePosition(in)
		if err != nil {
			return
		}
		again, err := ParsePosition(pos.Encode())
		if err != nil {
			t.Fatalf("parse of an encoded position failed: %v", err)
		}
		if !bytes.Equal(again.Encode(), pos.Encode()) {
			t.Fatalf("encode is not stable: %s != %s", again.Encode(), pos.Encode())
		}
	})
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	positions := map[string]Position{
		"empty":     {Version: positionVersion},
		"selection": {Version: positionVersion, Selection: "ab\"c\\ é\n"},
		"full tables": {Version: positionVersion, Tables: &TablesProgress{
			Since: 5, Next: 6, Done: "tbl_2",
			Hot: []TableMark{{ID: "tbl_1", Watermark: "w", Cutoff: 3, Boundary: map[string]uint64{"b": 2, "a": 1 << 63}}},
			Pass: &TablePass{
				Mark: TableMark{ID: "tbl_3", Cutoff: -1}, Filter: TableMark{ID: "tbl_3"},
				Offset: 7, LastCreated: 8, LastID: "rec_☕", Overflow: true,
			},
		}},
		"zero tables": {Version: positionVersion, Tables: &TablesProgress{}},
		"queries": {Version: positionVersion, Queries: &QueryProgress{
			Since: 1, Next: 2, Done: "q", Hot: []QueryMark{{ID: "q1", Watermark: "w", Rows: 3}, {ID: "q2"}},
		}},
	}
	for name, pos := range positions {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			var got, want any
			is.NoErr(json.Unmarshal(pos.Encode(), &got))
			std, err := json.Marshal(pos)
			is.NoErr(err)
			is.NoErr(json.Unmarshal(std, &want))
			is.Equal(got, want)
		})
	}
}

func TestFormatMicrosMatchesLayout(t *testing.T) {
	is := is.New(t)
	const layout = "2006-01-02T15:04:05.000000Z07:00"
	for _, ts := range []time.Time{
		time.Date(2026, 12, 4, 14, 31, 44, 123456789, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.FixedZone("", 2*3600)),
		time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("", -7*3600)),
	} {
		is.Equal(formatMicros(ts), ts.UTC().Format(layout))
	}
}
