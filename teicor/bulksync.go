package teicor

import (
	"context"
	"errors"
	"fmt"
)

// BulkOptions configures SyncRecordsBulk.
type BulkOptions struct {
	// OnConflict is the conflict mode of every chunk. Empty means
	// OnConflictOverwrite. Chunks are retried only with overwrite or skip.
	OnConflict OnConflict
	// ChunkSize is the number of records per request. 0 means MaxBulkChunk.
	ChunkSize int
	// Retry sets the retries of each chunk. The zero value means the
	// client's policy.
	Retry RetryPolicy
	// StartChunk is the index of the first chunk to send, for resuming.
	StartChunk int
	// OnChunk, if set, is called after each chunk succeeds. An error stops
	// the sync.
	OnChunk func(ctx context.Context, r ChunkResult) error
	// Checkpoint, if set, is called after each chunk succeeds (and after
	// OnChunk) with the index of the next chunk. An error stops the sync.
	Checkpoint func(ctx context.Context, nextChunk int) error
}

// ChunkResult is the outcome of one chunk of a bulk sync.
type ChunkResult struct {
	// Index is the chunk's index, starting at 0.
	Index int
	// Records is the number of records in the chunk.
	Records int
	// Attempts is the number of requests the chunk took, 1 without retries.
	Attempts int
	Result   *BulkResult
}

// BulkSummary counts what one SyncRecordsBulk run did. Chunks skipped
// through StartChunk are not counted.
type BulkSummary struct {
	Chunks, Records, Created, Updated, Skipped int
	// Retries is the number of requests sent beyond the first of each chunk.
	Retries int
}

// ChunkError is the failure of one chunk of a bulk sync. Unwrap it with
// errors.As to reach the *APIError.
type ChunkError struct {
	TableID string
	// Chunk is the index of the chunk that failed.
	Chunk int
	// Offset is the index in the input slice of the chunk's first record.
	Offset int
	Err    error
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("teicor: bulk sync of table %s: chunk %d (records from %d): %v", e.TableID, e.Chunk, e.Offset, e.Err)
}

func (e *ChunkError) Unwrap() error { return e.Err }

// RecordIndex returns the index in the input slice of the record that a 422
// named. The second result is false when the error names no record.
func (e *ChunkError) RecordIndex() (int, bool) {
	var apiErr *APIError
	if !errors.As(e.Err, &apiErr) {
		return 0, false
	}
	i, ok := apiErr.Index()
	return e.Offset + i, ok
}

// SyncRecordsBulk upserts records in chunks of at most MaxBulkChunk, each
// retried under its own policy (sync_records_bulk). Chunks before
// opts.StartChunk are skipped, so a run can resume from a checkpoint. A
// failed chunk stops the run with a *ChunkError and a summary of the chunks
// that succeeded.
func (c *Client) SyncRecordsBulk(ctx context.Context, tableID string, records []RecordData, opts BulkOptions) (*BulkSummary, error) {
	size, policy, err := c.bulkSettings(records, opts)
	if err != nil {
		return nil, fmt.Errorf("teicor: bulk sync of table %s: %w", tableID, err)
	}
	summary := &BulkSummary{}
	for index := opts.StartChunk; index*size < len(records); index++ {
		offset := index * size
		chunk := records[offset:min(offset+size, len(records))]
		result, attempts, err := c.bulkUpsert(ctx, tableID, chunk, opts.OnConflict, &policy)
		summary.Retries += max(attempts-1, 0)
		if err != nil {
			return summary, &ChunkError{TableID: tableID, Chunk: index, Offset: offset, Err: err}
		}
		summary.add(len(chunk), result)
		if err := finishChunk(ctx, opts, ChunkResult{Index: index, Records: len(chunk), Attempts: attempts, Result: result}); err != nil {
			return summary, fmt.Errorf("teicor: bulk sync of table %s: chunk %d: %w", tableID, index, err)
		}
	}
	return summary, nil
}

func (s *BulkSummary) add(records int, r *BulkResult) {
	s.Chunks++
	s.Records += records
	s.Created += r.Created
	s.Updated += r.Updated
	s.Skipped += r.Skipped
}

// finishChunk runs the callbacks of a chunk that succeeded.
func finishChunk(ctx context.Context, opts BulkOptions, r ChunkResult) error {
	if opts.OnChunk != nil {
		if err := opts.OnChunk(ctx, r); err != nil {
			return fmt.Errorf("chunk callback: %w", err)
		}
	}
	if opts.Checkpoint != nil {
		if err := opts.Checkpoint(ctx, r.Index+1); err != nil {
			return fmt.Errorf("save checkpoint %d: %w", r.Index+1, err)
		}
	}
	return nil
}

// bulkSettings checks opts against records and returns the chunk size and
// retry policy to use.
func (c *Client) bulkSettings(records []RecordData, opts BulkOptions) (int, RetryPolicy, error) {
	size := opts.ChunkSize
	if size == 0 {
		size = MaxBulkChunk
	}
	if size < 0 || size > MaxBulkChunk {
		return 0, RetryPolicy{}, fmt.Errorf("invalid ChunkSize %d: must be between 1 and %d, or 0 for %d", opts.ChunkSize, MaxBulkChunk, MaxBulkChunk)
	}
	if _, err := checkOnConflict(opts.OnConflict); err != nil {
		return 0, RetryPolicy{}, err
	}
	policy := opts.Retry
	if policy == (RetryPolicy{}) {
		policy = c.policy
	}
	if err := policy.validate(); err != nil {
		return 0, RetryPolicy{}, err
	}
	chunks := (len(records) + size - 1) / size
	if opts.StartChunk < 0 || opts.StartChunk > chunks {
		return 0, RetryPolicy{}, fmt.Errorf("invalid StartChunk %d: %d records fill %d chunk(s) of %d, so it must be between 0 and %d",
			opts.StartChunk, len(records), chunks, size, chunks)
	}
	return size, policy, nil
}

// SyncRecordsBulkWithCheckpoint runs SyncRecordsBulk from the checkpoint
// stored under key in the core state, saves the checkpoint after each
// chunk, and clears it when every chunk has succeeded
// (sync_records_bulk_with_core_checkpoint). opts.StartChunk is replaced by
// the stored checkpoint when one exists. opts.Checkpoint, if set, is called
// after the checkpoint is saved.
func (c *Client) SyncRecordsBulkWithCheckpoint(ctx context.Context, key, tableID string, records []RecordData, opts BulkOptions) (*BulkSummary, error) {
	key = checkpointKey(key)
	next, ok, err := c.GetBulkCheckpoint(ctx, key)
	if err != nil {
		return nil, err
	}
	if ok {
		opts.StartChunk = next
	}
	userCheckpoint := opts.Checkpoint
	opts.Checkpoint = func(ctx context.Context, nextChunk int) error {
		if err := c.SaveBulkCheckpoint(ctx, key, nextChunk); err != nil {
			return err
		}
		if userCheckpoint != nil {
			return userCheckpoint(ctx, nextChunk)
		}
		return nil
	}

	summary, err := c.SyncRecordsBulk(ctx, tableID, records, opts)
	if err != nil {
		if ok {
			err = fmt.Errorf("%w (resumed from checkpoint %q at chunk %d)", err, key, next)
		}
		return summary, err
	}
	if err := c.ClearBulkCheckpoint(ctx, key); err != nil {
		return summary, fmt.Errorf("teicor: bulk sync of table %s succeeded, but clearing checkpoint %q failed: %w", tableID, key, err)
	}
	return summary, nil
}
