package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

const (
	// maxHot bounds the table marks kept in the position. A table whose
	// mark was evicted is read in full on its next change, but its rows are
	// still filtered by the definition-gate cursor.
	maxHot = 16
	// maxBoundary bounds the rows a mark lists at its cutoff. Beyond it,
	// those rows are emitted again on the next pass rather than lost.
	maxBoundary = 16
)

// tableSync runs the two-gate loop over tables, one request per step.
//
// A poll lists the tables changed since the cursor (definition gate), gets
// each selected one's sync status with the stored watermark (data
// gate) and reads every changed table in pages. The new cursor is the
// server time of the list request, so changes made after it are listed by
// the next poll, and an idle poll costs one request.
type tableSync struct {
	client   *teicor.Client
	sel      selector
	pageSize int
	prog     *TablesProgress

	listed  bool
	queue   []teicor.Table
	current teicor.Table
	columns map[string]teicor.Column
	fields  []payloadField
	namer   fieldNamer
	warned  map[string]bool
	next    *prefetch
}

// emitter receives the records of the syncs. position returns the current
// progress, which the caller has already advanced past the record it builds.
type emitter interface {
	position() opencdc.Position
	push(rec opencdc.Record)
}

// step does one request of the current poll and reports whether the poll
// is finished.
func (t *tableSync) step(ctx context.Context, full bool, emit emitter) (bool, error) {
	switch {
	case !t.listed:
		return false, t.list(ctx, full)
	case t.prog.Pass != nil:
		return false, t.readPage(ctx, emit)
	case len(t.queue) > 0:
		next := t.queue[0]
		t.queue = t.queue[1:]
		return false, t.checkTable(ctx, next)
	default:
		t.prog.Since = t.prog.Next
		t.prog.Next, t.prog.Done = 0, ""
		t.listed = false
		return true, nil
	}
}

// list runs the definition gate. A poll that was interrupted by a restart
// keeps its cursor, so that changes made since the first list are listed
// again by the next poll.
func (t *tableSync) list(ctx context.Context, full bool) error {
	since := fromMicros(t.prog.Since)
	opts := teicor.ListTablesOptions{UpdatedSince: since}
	if full {
		opts.UpdatedSince = time.Time{}
	}
	list, err := t.client.ListTables(ctx, opts)
	if err != nil {
		return fmt.Errorf("list tables updated since %s: %w", since.Format(time.RFC3339Nano), err)
	}
	if t.prog.Next == 0 {
		t.prog.Next = toMicros(nextCursor(since, list.ServerTime, tableTimes(list.Tables)))
	}

	t.queue = t.queue[:0]
	var passTable *teicor.Table
	for _, tbl := range list.Tables {
		switch {
		case !t.sel.table(tbl):
		case t.prog.Pass != nil && tbl.ID == t.prog.Pass.Mark.ID:
			passTable = &tbl
		case t.prog.Done == "" || tbl.ID > t.prog.Done:
			t.queue = append(t.queue, tbl)
		}
	}
	slices.SortFunc(t.queue, func(a, b teicor.Table) int { return cmp.Compare(a.ID, b.ID) })
	t.listed = true

	if t.prog.Pass != nil {
		if passTable == nil {
			sdk.Logger(ctx).Warn().Str("table_id", t.prog.Pass.Mark.ID).
				Msg("table of the interrupted pass is gone; dropping it from the state")
			t.dropTable(t.prog.Pass.Mark.ID)
			return nil
		}
		t.startPass(*passTable)
	}
	return nil
}

// clockMargin is subtracted from the server time of a response before it is
// used as a cursor or cutoff. The Date header has second precision. A
// server may also set it when it writes the response, a little after it
// read its data, so a change made in between can be stamped up to about a
// second before that header.
const clockMargin = time.Second

// nextCursor returns the updated_since of the next definition gate: the
// server time of the list request minus clockMargin, which is not later
// than any change the list missed. Without a Date header it falls back to
// the latest updated_at listed, which is also safe but lists that item
// again on every poll.
func nextCursor(since, serverTime time.Time, updated []time.Time) time.Time {
	next := serverTime.Add(-clockMargin)
	if serverTime.IsZero() {
		next = since
		for _, u := range updated {
			if u.After(next) {
				next = u
			}
		}
	}
	if next.Before(since) {
		return since
	}
	return next
}

func tableTimes(tables []teicor.Table) []time.Time {
	out := make([]time.Time, len(tables))
	for i, tbl := range tables {
		out[i] = tbl.UpdatedAt
	}
	return out
}

// checkTable runs the data gate for one table and starts a pass when it
// has changes.
func (t *tableSync) checkTable(ctx context.Context, tbl teicor.Table) error {
	mark, hot := t.mark(tbl.ID)
	status, err := t.client.GetTableSyncStatus(ctx, tbl.ID, mark.Watermark)
	if errors.Is(err, teicor.ErrNotFound) {
		sdk.Logger(ctx).Warn().Str("table_id", tbl.ID).Str("table", tbl.Name).
			Msg("table deleted after the definition gate; dropping it from the state")
		t.dropTable(tbl.ID)
		t.prog.Done = tbl.ID
		return nil
	}
	if err != nil {
		return fmt.Errorf("get sync status of table %s (%s): %w", tbl.ID, tbl.Name, err)
	}
	if !status.HasChanges {
		t.prog.Done = tbl.ID
		return nil
	}
	if !hot {
		// A table without a mark was last read before the cursor, so
		// every change since then is at or after it.
		mark = TableMark{ID: tbl.ID, Cutoff: t.prog.Since}
	}
	t.prog.Pass = &TablePass{
		Mark: TableMark{
			ID:        tbl.ID,
			Watermark: status.SourceWatermark,
			Cutoff:    toMicros(passCutoff(status)),
		},
		Filter: mark,
	}
	t.startPass(tbl)
	return nil
}

// passCutoff returns the earliest updated_at that the next pass emits.
//
// Every change made after the sync status request is stamped at or after
// the table's updated_at from before the read. When that updated_at is
// older than the server time of the request minus clockMargin, later
// changes are stamped strictly after it, so the cutoff is one microsecond
// later and the rows read now are not emitted again. Otherwise the cutoff
// is that server time minus clockMargin, and the boundary of the mark lists
// the rows already emitted at or after it. This also clamps a table dated
// in the future, so that changes stamped before that future time are not
// skipped.
func passCutoff(status *teicor.TableSyncStatus) time.Time {
	cutoff := status.UpdatedAt
	if status.ServerTime.IsZero() {
		return cutoff
	}
	safe := status.ServerTime.Add(-clockMargin)
	if cutoff.Before(safe) {
		return cutoff.Add(time.Microsecond)
	}
	return safe
}

func (t *tableSync) startPass(tbl teicor.Table) {
	t.current = tbl
	t.columns = nil
}

func (t *tableSync) mark(id string) (TableMark, bool) {
	for _, m := range t.prog.Hot {
		if m.ID == id {
			return m, true
		}
	}
	return TableMark{ID: id}, false
}

// finishPass stores the pass's mark as the newest one and evicts the
// oldest beyond maxHot.
func (t *tableSync) finishPass() {
	pass := t.prog.Pass
	hot := []TableMark{pass.Mark}
	for _, m := range t.prog.Hot {
		if m.ID != pass.Mark.ID && len(hot) < maxHot {
			hot = append(hot, m)
		}
	}
	t.prog.Hot = hot
	t.prog.Pass = nil
	t.prog.Done = pass.Mark.ID
}

func (t *tableSync) dropTable(id string) {
	t.prog.Hot = slices.DeleteFunc(t.prog.Hot, func(m TableMark) bool { return m.ID == id })
	if t.prog.Pass != nil && t.prog.Pass.Mark.ID == id {
		t.prog.Pass = nil
	}
}
