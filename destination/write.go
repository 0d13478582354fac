package destination

import (
	"context"
	"errors"
	"fmt"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Write writes a batch and returns how many records from its start landed
// in Teicor. It maps records until the first that cannot be mapped, then
// writes the mapped prefix in runs of consecutive records that share a
// table and an operation kind. A failed write stops the batch at the first
// record whose value did not land, so n never counts a record that was not
// written.
func (d *Destination) Write(ctx context.Context, records []opencdc.Record) (int, error) {
	batch := make([]prepared, 0, len(records))
	var mapErr error
	for i, rec := range records {
		p, err := d.prepare(ctx, rec, i)
		if err != nil {
			mapErr = fmt.Errorf("record at batch position %d (key %s): %w", i, describeKey(rec.Key), err)
			break
		}
		batch = append(batch, p)
	}

	stats := &batchStats{}
	n, err := d.writeRuns(ctx, batch, stats)
	sdk.Logger(ctx).Debug().
		Int("records", len(records)).
		Int("written", n).
		Int("compacted", stats.compacted).
		Int("bulk_requests", stats.bulkRequests).
		Msg("teicor batch written")
	if err != nil {
		return n, err
	}
	if mapErr != nil {
		return len(batch), mapErr
	}
	return len(records), nil
}

// batchStats counts what one Write did, for its debug line.
type batchStats struct {
	compacted    int
	bulkRequests int
}

func (d *Destination) writeRuns(ctx context.Context, batch []prepared, stats *batchStats) (int, error) {
	for start := 0; start < len(batch); {
		end := runEnd(batch, start)
		run := batch[start:end]
		ctx := withTableID(ctx, run[0].table.id)

		var err error
		var written int
		if run[0].delete {
			written, err = d.deleteRun(ctx, run)
		} else {
			written, err = d.upsertRun(ctx, run, stats)
		}
		if err != nil {
			return written, err
		}
		start = end
	}
	return len(batch), nil
}

// runEnd returns the end of the run that starts at start: the records up to
// the next change of table or of operation kind.
func runEnd(batch []prepared, start int) int {
	end := start + 1
	for end < len(batch) &&
		batch[end].table.id == batch[start].table.id &&
		batch[end].delete == batch[start].delete {
		end++
	}
	return end
}

// deleteRun deletes the record of each key in order. A key without a
// record is already deleted, so it counts as written.
func (d *Destination) deleteRun(ctx context.Context, run []prepared) (int, error) {
	for _, p := range run {
		if err := d.deleteOne(ctx, p); err != nil {
			return p.position, fmt.Errorf("record at batch position %d (key %s): %w",
				p.position, p.keyText, err)
		}
	}
	return run[len(run)-1].position + 1, nil
}

func (d *Destination) deleteOne(ctx context.Context, p prepared) error {
	t := p.table
	found, ok, err := d.client.FindRecord(ctx, t.id, teicor.And(teicor.Cond(t.key.ID, teicor.OpEq, p.key)))
	if err != nil {
		return fmt.Errorf("find record to delete in table %s: %w", t.label(), err)
	}
	if !ok {
		sdk.Logger(ctx).Debug().Str("table_id", t.id).Str("key", p.keyText).
			Msg("record to delete not found, treating it as deleted")
		return nil
	}
	err = d.client.DeleteRecord(ctx, t.id, found.ID)
	if errors.Is(err, teicor.ErrNotFound) {
		sdk.Logger(ctx).Info().Err(err).Str("table_id", t.id).Str("record_id", found.ID).
			Msg("record to delete was already gone, treating it as deleted")
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete record %s from table %s: %w", found.ID, t.label(), err)
	}
	return nil
}

// describeKey formats a record key for an error message.
func describeKey(key opencdc.Data) string {
	switch k := key.(type) {
	case nil:
		return "none"
	case opencdc.RawData:
		return fmt.Sprintf("%q", string(k))
	default:
		return string(k.Bytes())
	}
}
