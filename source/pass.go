package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// readPage reads the next page of the table in its default order (creation
// order) and emits the rows that changed since the previous pass.
//
// Offset pages shift when rows before the offset are deleted, so each page
// starts one row early: that row must be the last row read. When it is not,
// and the first row comes after the last row read, rows were skipped and
// the pass backs up a page. Inserted rows go to the end of the order, and
// rows updated during the read are covered by the next pass, because the
// stored watermark is the one from before the read.
func (t *tableSync) readPage(ctx context.Context, emit emitter) error {
	pass := t.prog.Pass
	id := pass.Mark.ID
	if t.columns == nil {
		if err := t.loadColumns(ctx, id); err != nil {
			return t.passError(ctx, err)
		}
	}

	req := t.nextPage()
	from, limit := req.from, req.limit
	page, err := t.fetchPage(ctx, req)
	if err != nil {
		return t.passError(ctx, err)
	}
	records, shifted := unread(page.Records, pass)
	if shifted && from > 0 {
		pass.Offset = max(0, from-t.pageSize)
		sdk.Logger(ctx).Debug().Str("table_id", id).Int("offset", pass.Offset).
			Msg("rows were deleted before the read offset; reading again from an earlier offset")
		return nil
	}
	if err := t.ensureColumns(ctx, id, records); err != nil {
		return t.passError(ctx, err)
	}

	skipped := len(page.Records) - len(records)
	for i := range records {
		rec := &records[i]
		pass.Offset = from + skipped + i + 1
		pass.LastCreated, pass.LastID = toMicros(rec.CreatedAt), rec.ID
		hash := rowHasher{rec: rec}
		t.addBoundary(rec, &hash)
		if !emits(pass.Filter, rec, &hash) {
			continue
		}
		op := t.operation(rec)
		emit.push(t.record(rec, op, emit.position()))
	}
	// A page read again after a back-up can hold only rows read before;
	// the next page starts after it.
	pass.Offset = from + len(page.Records)
	if len(page.Records) < limit {
		t.finishPass()
		return nil
	}
	t.startPrefetch(t.nextPage())
	return nil
}

// nextPage returns the request for the next page of the pass. A page after
// the first starts one row early, at the last row read.
func (t *tableSync) nextPage() pageRequest {
	pass := t.prog.Pass
	req := pageRequest{tableID: pass.Mark.ID, from: pass.Offset, limit: t.pageSize}
	if pass.LastID != "" && req.from > 0 {
		req.from--
		req.limit = min(req.limit+1, teicor.MaxPageSize)
	}
	return req
}

// unread returns the rows of a page that the pass has not read yet, and
// whether the page starts after the last row read, which means that
// deletions moved unread rows below the offset.
func unread(records []teicor.Record, pass *TablePass) ([]teicor.Record, bool) {
	if pass.LastID == "" {
		return records, false
	}
	for i, rec := range records {
		if rec.ID == pass.LastID {
			return records[i+1:], false
		}
	}
	// The last row read was itself deleted: fall back to comparing the
	// creation-order keys.
	for i, rec := range records {
		if keyAfter(rec, pass) {
			return records[i:], i == 0
		}
	}
	return nil, false
}

func keyAfter(rec teicor.Record, pass *TablePass) bool {
	created := toMicros(rec.CreatedAt)
	if created != pass.LastCreated {
		return created > pass.LastCreated
	}
	return rec.ID > pass.LastID
}

// passError ends the pass when the table is gone and returns other errors.
func (t *tableSync) passError(ctx context.Context, err error) error {
	id := t.prog.Pass.Mark.ID
	if errors.Is(err, teicor.ErrNotFound) {
		sdk.Logger(ctx).Warn().Str("table_id", id).Str("table", t.current.Name).
			Msg("table deleted during the read; dropping it from the state")
		t.dropTable(id)
		t.prog.Done = id
		return nil
	}
	return fmt.Errorf("read table %s (%s): %w", id, t.current.Name, err)
}

// emits reports whether a row changed since the pass that produced the
// filter mark.
func emits(filter TableMark, rec *teicor.Record, hash *rowHasher) bool {
	if toMicros(rec.UpdatedAt) < filter.Cutoff {
		return false
	}
	listed, ok := filter.Boundary[rec.ID]
	return !ok || listed != hash.sum()
}

// addBoundary lists the row in the new mark when it sits at or after the
// new cutoff, so that the next pass does not emit it again unchanged.
func (t *tableSync) addBoundary(rec *teicor.Record, hash *rowHasher) {
	pass := t.prog.Pass
	if pass.Overflow || toMicros(rec.UpdatedAt) < pass.Mark.Cutoff {
		return
	}
	if len(pass.Mark.Boundary) >= maxBoundary {
		pass.Overflow = true
		pass.Mark.Boundary = nil
		return
	}
	if pass.Mark.Boundary == nil {
		pass.Mark.Boundary = map[string]uint64{}
	}
	pass.Mark.Boundary[rec.ID] = hash.sum()
}

// operation returns snapshot during the initial sync, create for rows
// created at or after the previous pass's cutoff, and update for the rest
// and for rows that the previous pass listed in its boundary.
func (t *tableSync) operation(rec *teicor.Record) opencdc.Operation {
	filter := t.prog.Pass.Filter
	_, listed := filter.Boundary[rec.ID]
	switch {
	case t.prog.Since == 0:
		return opencdc.OperationSnapshot
	case !listed && toMicros(rec.CreatedAt) >= filter.Cutoff:
		return opencdc.OperationCreate
	default:
		return opencdc.OperationUpdate
	}
}

// rowHasher computes a row's hash once, when a boundary needs it, because
// most rows sit before every cutoff.
type rowHasher struct {
	rec  *teicor.Record
	hash uint64
}

func (h *rowHasher) sum() uint64 {
	if h.hash == 0 {
		h.hash = rowHash(h.rec)
	}
	return h.hash
}

// rowHash identifies one version of a row: its update time and data. It is
// never 0, the value of a row missing from a boundary.
func rowHash(rec *teicor.Record) uint64 {
	h := fnv.New64a()
	h.Write(strconv.AppendInt(nil, toMicros(rec.UpdatedAt), 10))
	// json.Marshal sorts map keys, so equal data gives equal bytes.
	data, _ := json.Marshal(rec.Data)
	h.Write(data)
	return h.Sum64() | 1
}
