package destination

import (
	"context"
	"errors"
	"fmt"
	"maps"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// entry is the value that one key gets from an upsert run: the records
// for that key merged in batch order.
type entry struct {
	// first is the batch position of the first record for the key. Until
	// the entry lands, no record from first on counts as written.
	first int
	// last is the latest record merged into data, which names the key in
	// errors.
	last prepared
	data teicor.RecordData
}

// upsertRun writes a run of upserts into one table in bulk chunks and
// returns the count of batch records written up to the first failure.
func (d *Destination) upsertRun(ctx context.Context, run []prepared, stats *batchStats) (int, error) {
	entries, dupErr := d.compact(run, stats)
	size := d.config.ChunkSize
	for start := 0; start < len(entries); start += size {
		chunk := entries[start:min(start+size, len(entries))]
		landed, err := d.writeChunk(ctx, chunk, stats)
		if err != nil {
			return chunk[landed].first, err
		}
	}
	if dupErr != nil {
		return dupErr.position, dupErr
	}
	return run[len(run)-1].position + 1, nil
}

// compact merges the records of a run that share a key into one entry, in
// the order of each key's first record, so a chunk never holds a key twice.
// With onConflict overwrite a later record's fields replace earlier ones,
// as applying the records one by one would. With skip the first record of
// a key wins, because Teicor would skip the later ones. With error a
// repeated key is a conflict: compact stops before it and returns it.
func (d *Destination) compact(run []prepared, stats *batchStats) ([]entry, *duplicateKeyError) {
	byKey := make(map[string]int, len(run))
	entries := make([]entry, 0, len(run))
	for _, p := range run {
		i, seen := byKey[p.keyText]
		if !seen {
			byKey[p.keyText] = len(entries)
			entries = append(entries, entry{first: p.position, last: p, data: p.data})
			continue
		}
		switch d.onConflict {
		case teicor.OnConflictError:
			return entries, &duplicateKeyError{position: p.position, earlier: entries[i].last.position, key: p.keyText}
		case teicor.OnConflictSkip:
		default:
			merged := maps.Clone(entries[i].data)
			maps.Copy(merged, p.data)
			entries[i].data = merged
			entries[i].last = p
		}
		stats.compacted++
	}
	return entries, nil
}

// writeChunk sends one bulk upsert and returns how many entries of chunk
// landed. Bulk requests are atomic, so when Teicor rejects one entry with
// 409 or 422 it resends the entries before it, then reports the rejected
// one.
func (d *Destination) writeChunk(ctx context.Context, chunk []entry, stats *batchStats) (int, error) {
	t := chunk[0].last.table
	data := make([]teicor.RecordData, len(chunk))
	for i, e := range chunk {
		data[i] = e.data
	}
	stats.bulkRequests++
	_, err := d.client.BulkUpsert(ctx, t.id, data, d.onConflict)
	if err == nil {
		return len(chunk), nil
	}

	if errors.Is(err, teicor.ErrPayloadTooLarge) && len(chunk) > 1 {
		return d.writeHalves(ctx, chunk, stats)
	}
	apiErr, index, ok := rejectedEntry(err, len(chunk))
	if !ok {
		return 0, fmt.Errorf("bulk upsert of the records at batch positions %d to %d into table %s: %w",
			chunk[0].first, chunk[len(chunk)-1].last.position, t.label(), err)
	}
	rejected := newRejectedError(chunk[index], t, apiErr)
	if index == 0 {
		return 0, rejected
	}
	landed, err := d.writeChunk(ctx, chunk[:index], stats)
	if err != nil {
		return landed, err
	}
	return index, rejected
}

// writeHalves writes a chunk that Teicor rejected as too large in two
// halves, which split again while they are too large.
func (d *Destination) writeHalves(ctx context.Context, chunk []entry, stats *batchStats) (int, error) {
	half := len(chunk) / 2
	sdk.Logger(ctx).Warn().
		Str("table_id", chunk[0].last.table.id).
		Int("records", len(chunk)).
		Msg("bulk upsert too large for Teicor, splitting the chunk in two; lower chunkSize to avoid this")
	landed, err := d.writeChunk(ctx, chunk[:half], stats)
	if err != nil {
		return landed, err
	}
	landed, err = d.writeChunk(ctx, chunk[half:], stats)
	return half + landed, err
}

// rejectedEntry returns the chunk index of the entry that a 409 or 422
// names.
func rejectedEntry(err error, size int) (*teicor.APIError, int, bool) {
	var apiErr *teicor.APIError
	if !errors.As(err, &apiErr) {
		return nil, 0, false
	}
	if !errors.Is(apiErr, teicor.ErrValidation) && !errors.Is(apiErr, teicor.ErrConflict) {
		return nil, 0, false
	}
	index, ok := apiErr.Index()
	if !ok || index < 0 || index >= size {
		return nil, 0, false
	}
	return apiErr, index, true
}

// rejectedError is a record that Teicor rejected with 409 or 422.
type rejectedError struct {
	position int
	first    int
	key      string
	table    string
	column   string
	reason   string
	err      *teicor.APIError
}

func newRejectedError(e entry, t *tableInfo, apiErr *teicor.APIError) *rejectedError {
	reason := apiErr.Reason()
	if reason == "" {
		reason = apiErr.Message
	}
	return &rejectedError{
		position: e.last.position,
		first:    e.first,
		key:      e.last.keyText,
		table:    t.label(),
		column:   t.columnName(apiErr.ColumnID()),
		reason:   reason,
		err:      apiErr,
	}
}

func (e *rejectedError) Error() string {
	outcome := "rejected"
	if errors.Is(e.err, teicor.ErrConflict) {
		outcome = "conflicts"
	}
	merged := ""
	if e.first != e.position {
		merged = fmt.Sprintf(", merged with the records for the same key from batch position %d", e.first)
	}
	msg := fmt.Sprintf("record at batch position %d (key %s%s) %s in table %s, column %q: %s: %v",
		e.position, e.key, merged, outcome, e.table, e.column, e.reason, e.err)
	if errors.Is(e.err, teicor.ErrConflict) {
		msg += "; Conduit redelivers records after a restart, and with onConflict error a " +
			"redelivered record conflicts with the copy that was already written, so set " +
			"onConflict to overwrite to make writes idempotent"
	}
	return msg
}

func (e *rejectedError) Unwrap() error { return e.err }

// duplicateKeyError is a record whose key an earlier record of the same
// batch already wrote while onConflict is error.
type duplicateKeyError struct {
	position int
	earlier  int
	key      string
}

func (e *duplicateKeyError) Error() string {
	return fmt.Sprintf("record at batch position %d (key %s) conflicts with the record at batch "+
		"position %d, which has the same key, and onConflict is error", e.position, e.key, e.earlier)
}

func (e *duplicateKeyError) Unwrap() error { return teicor.ErrConflict }
