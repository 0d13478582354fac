package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
)

func fileRecord(schema, table, id string) conduitrun.FileRecord {
	return conduitrun.FileRecord{
		Metadata: map[string]string{metadataSchema: schema, "opencdc.collection": table},
		Key:      map[string]any{"id": id},
	}
}

func TestCountRowsDistinctIDs(t *testing.T) {
	is := is.New(t)
	counts := countRows([]conduitrun.FileRecord{
		fileRecord("demo", "orders", "rec_1"),
		fileRecord("demo", "orders", "rec_2"),
		fileRecord("demo", "orders", "rec_1"),
		fileRecord("demo", "cafés ☕", "rec_3"),
		fileRecord("other", "orders", "rec_4"),
	})

	is.Equal(counts["demo.orders"], 2)  // duplicate delivery counted once
	is.Equal(counts["demo.cafés ☕"], 1) // non-ASCII table name
	is.Equal(counts["other.orders"], 1) // same table name in another schema
	is.Equal(len(counts), 3)            // no other tables
}

func TestPrintCountsMismatch(t *testing.T) {
	tests := []struct {
		name     string
		got      map[string]int
		mismatch bool
	}{
		{"all equal", map[string]int{"demo.a": 2, "demo.b": 1}, false},
		{"missing rows", map[string]int{"demo.a": 1, "demo.b": 1}, true},
		{"missing table", map[string]int{"demo.a": 2}, true},
		{"extra table", map[string]int{"demo.a": 2, "demo.b": 1, "demo.c": 4}, true},
	}
	want := map[string]int{"demo.a": 2, "demo.b": 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var out bytes.Buffer

			is.Equal(printCounts(&out, want, tt.got), tt.mismatch) // mismatch reported
			is.Equal(equalCounts(tt.got, want), !tt.mismatch)      // same verdict as the poll loop
			is.True(strings.Contains(out.String(), "demo.a"))      // every table printed
		})
	}
}

func TestParseFlagsRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing conduit", []string{"-connector", "c"}, "missing conduit binary"},
		{"missing connector", []string{"-conduit", "c"}, "missing connector plugin"},
		{"zero timeout", []string{"-conduit", "c", "-connector", "p", "-timeout", "0s"}, "invalid -timeout"},
		{"extra argument", []string{"-conduit", "c", "-connector", "p", "now"}, "unexpected arguments"},
	}
	t.Setenv(conduitrun.EnvConduitBin, "")
	t.Setenv(conduitrun.EnvConnectorBin, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			_, err := parseFlags(tt.args)
			is.True(err != nil)                             // input rejected
			is.True(strings.Contains(err.Error(), tt.want)) // message names the problem
		})
	}
}
