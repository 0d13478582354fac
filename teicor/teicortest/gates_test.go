package teicortest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

var gateStart = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

func frozenClient(t *testing.T) (*client, *teicortest.Clock) {
	t.Helper()
	clock := teicortest.NewClock(gateStart)
	return newClient(t, teicortest.WithClock(clock)), clock
}

func tableNames(t *testing.T, resp response) []string {
	t.Helper()
	var out []string
	for _, tbl := range items(t, resp.body, "tables") {
		out = append(out, tbl["name"].(string))
	}
	return out
}

func TestListTablesUpdatedSinceInclusive(t *testing.T) {
	is := is.New(t)
	c, clock := frozenClient(t)
	_, err := c.srv.CreateTable("s", "first")
	is.NoErr(err)
	clock.Advance(time.Second)
	_, err = c.srv.CreateTable("s", "second")
	is.NoErr(err)

	at := func(ts time.Time) []string {
		return tableNames(t, c.runtime(http.MethodGet, "api/tables"+listQuery("updated_since", ts.Format(time.RFC3339Nano)), nil))
	}

	is.Equal(at(gateStart), []string{"first", "second"})
	is.Equal(at(gateStart.Add(time.Microsecond)), []string{"second"})
	is.Equal(at(gateStart.Add(time.Second)), []string{"second"})
	is.Equal(at(gateStart.Add(2*time.Second)), nil)
	offset := gateStart.Add(time.Second).In(time.FixedZone("CEST", 2*3600))
	is.Equal(at(offset), []string{"second"}) // any RFC 3339 offset is accepted
	bad := c.runtime(http.MethodGet, "api/tables"+listQuery("updated_since", "yesterday"), nil)
	is.Equal(bad.status, http.StatusBadRequest)
}

func TestTimestampFormat(t *testing.T) {
	is := is.New(t)
	clock := teicortest.NewClock(time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600)))
	c := newClient(t, teicortest.WithClock(clock))

	resp := c.runtime(http.MethodPost, "api/schemas", map[string]any{"name": "s"})

	is.Equal(resp.body["created_at"], "2026-05-06T06:08:09.123456Z")
}

func TestGranularitySharesUpdatedAt(t *testing.T) {
	is := is.New(t)
	c, clock := frozenClient(t)
	clock.SetGranularity(time.Second)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))

	clock.Advance(200 * time.Millisecond)
	ids := insertNumbers(t, c.srv, ref.ID, 1)
	first := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"]
	clock.Advance(500 * time.Millisecond)
	is.NoErr(c.srv.UpdateRow(ref.ID, ids[0], map[string]any{"n": 2}))
	second := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"]

	is.Equal(first, "2026-05-06T07:08:09.000000Z")
	is.Equal(second, first)
	since := c.runtime(http.MethodGet, "api/tables"+listQuery("updated_since", second.(string)), nil)
	is.Equal(tableNames(t, since), []string{"t"})
}

func syncStatus(c *client, tableID, prev string) response {
	c.t.Helper()
	q := ""
	if prev != "" {
		q = listQuery("if_newer_than_watermark", prev)
	}
	return c.runtime(http.MethodGet, "api/tables/"+tableID+"/sync-status"+q, nil)
}

func TestSyncStatusWatermark(t *testing.T) {
	is := is.New(t)
	c, clock := frozenClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	ids := insertNumbers(t, c.srv, ref.ID, 2)

	initial := syncStatus(c, ref.ID, "")
	mustStatus(t, initial, http.StatusOK)
	w0 := initial.body["source_watermark"].(string)
	is.Equal(initial.body["table_id"], ref.ID)
	is.Equal(initial.body["has_changes"], true) // no watermark sent
	is.Equal(syncStatus(c, ref.ID, w0).body["has_changes"], false)
	is.Equal(syncStatus(c, ref.ID, "w1.999999").body["has_changes"], true)
	is.Equal(syncStatus(c, ref.ID, "opaque-from-elsewhere").body["has_changes"], true)

	clock.Advance(time.Second)
	is.NoErr(c.srv.RenameTable(ref.ID, "renamed"))
	colID, err := c.srv.AddColumn(ref.ID, colSpec("extra", "long_text", nil))
	is.NoErr(err)
	is.NoErr(c.srv.RenameColumn(ref.ID, colID, "extra2"))
	afterDefinition := syncStatus(c, ref.ID, w0)
	is.Equal(afterDefinition.body["has_changes"], false) // definition changes keep the watermark
	is.Equal(afterDefinition.body["source_watermark"], w0)
	is.Equal(afterDefinition.body["updated_at"], "2026-05-06T07:08:10.000000Z")

	is.NoErr(c.srv.UpdateRow(ref.ID, ids[0], map[string]any{"n": 5}))
	afterUpdate := syncStatus(c, ref.ID, w0)
	w1 := afterUpdate.body["source_watermark"].(string)
	is.Equal(afterUpdate.body["has_changes"], true)
	is.True(w1 != w0)
	is.Equal(syncStatus(c, ref.ID, w0).body["has_changes"], true) // an older watermark stays older

	is.NoErr(c.srv.DeleteRow(ref.ID, ids[1]))
	is.Equal(syncStatus(c, ref.ID, w1).body["has_changes"], true)
}

func TestDataChangesAdvanceTableUpdatedAt(t *testing.T) {
	c, clock := frozenClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	ids := insertNumbers(t, c.srv, ref.ID, 1)
	steps := []struct {
		name   string
		change func() error
	}{
		{"create", func() error { _, err := c.srv.InsertRows(ref.ID, map[string]any{"n": 1}); return err }},
		{"update", func() error { return c.srv.UpdateRow(ref.ID, ids[0], map[string]any{"n": 9}) }},
		{"delete", func() error { return c.srv.DeleteRow(ref.ID, ids[0]) }},
		{"rename", func() error { return c.srv.RenameTable(ref.ID, "t2") }},
		{"add column", func() error { _, err := c.srv.AddColumn(ref.ID, colSpec("x", "json", nil)); return err }},
	}
	for i, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			is := is.New(t)
			clock.Advance(time.Minute)
			is.NoErr(step.change())
			want := gateStart.Add(time.Duration(i+1) * time.Minute).Format("2006-01-02T15:04:05.000000Z")
			is.Equal(c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil).body["updated_at"], want)
		})
	}
}

func TestSchemaRenameAdvancesTables(t *testing.T) {
	is := is.New(t)
	c, clock := frozenClient(t)
	ref := newTable(t, c.srv)
	clock.Advance(time.Second)

	resp := c.runtime(http.MethodPatch, "api/schemas/s", map[string]any{"name": "s2"})
	got := c.runtime(http.MethodGet, "api/tables/"+ref.ID, nil)

	mustStatus(t, resp, http.StatusOK)
	is.Equal(got.body["schema_name"], "s2")
	is.Equal(got.body["updated_at"], "2026-05-06T07:08:10.000000Z")
}
