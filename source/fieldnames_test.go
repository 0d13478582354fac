package source

import (
	"context"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestFieldNamesForAvro(t *testing.T) {
	cases := map[string]struct {
		avro bool
		in   []string
		want []string
	}{
		"exact without extraction": {in: []string{"nom du café", "1st"}, want: []string{"nom du café", "1st"}},
		"valid names kept":         {avro: true, in: []string{"sku", "_x", "A9"}, want: []string{"sku", "_x", "A9"}},
		"invalid names replaced":   {avro: true, in: []string{"nom du café", "1st", "☕"}, want: []string{"nom_du_caf_", "_1st", "_"}},
		"collisions suffixed":      {avro: true, in: []string{"a b", "a_b", "a-b"}, want: []string{"a_b_2", "a_b", "a_b_3"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			namer := fieldNamer{avro: tc.avro, warned: map[string]bool{}}
			is.Equal(namer.names(context.Background(), "t", tc.in), tc.want)
		})
	}
}

func TestAvroSafeFieldsWithExtraction(t *testing.T) {
	is := is.New(t)
	srv, _ := newFrozen(t)
	ref, err := srv.CreateTable("demo", "cafés ☕",
		teicortest.ColumnSpec{Name: "nom du café", Type: "single_line_text"},
		teicortest.ColumnSpec{Name: "price", Type: "number"},
		teicortest.ColumnSpec{Name: "opened", Type: "datetime"},
	)
	is.NoErr(err)
	_, err = srv.InsertRows(ref.ID, map[string]any{
		"nom du café": "noir", "price": 2, "opened": "2026-12-04T13:00:00+02:00",
	})
	is.NoErr(err)
	cfg := testConfig(srv)
	enabled := true
	cfg.PayloadEnabled = &enabled
	got := poll(t, openSource(t, cfg, nil))

	is.Equal(len(got), 1)
	is.Equal(got[0].Payload.After, opencdc.StructuredData{
		"nom_du_caf_": "noir",
		"price":       int64(2),
		"opened":      time.Date(2026, 12, 4, 11, 0, 0, 0, time.UTC), // an Avro schema carries times
	})
}
