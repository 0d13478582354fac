package teicor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SyncTablesOptions configures SyncTables.
type SyncTablesOptions struct {
	// PageSize is the number of records per page; 0 means MaxPageSize.
	PageSize int
	// OnPage receives every page of records of each changed table. An error
	// stops the sync.
	OnPage func(ctx context.Context, table Table, page *RecordPage) error
}

// SyncTablesSummary counts what one SyncTables run did.
type SyncTablesSummary struct {
	// TablesListed is the number of tables the definition gate returned.
	TablesListed int
	// TablesChanged is the number of tables the data gate reported changed.
	TablesChanged int
	Pages         int
	Records       int
	// LastSyncAt is the tables_last_sync_at stored after the run.
	LastSyncAt time.Time
}

// SyncTables runs the table two-gate sync of the Python SDK (sync_tables).
// It reads tables_last_sync_at and table_watermarks from the core state and
// lists the tables updated since then (definition gate). For each table it
// fetches the sync status against the stored watermark (data gate) and
// passes the records of a changed table to opts.OnPage. Then it stores the
// new watermarks and the max updated_at seen. With no tables listed it
// sends nothing more.
//
// When a call or OnPage fails, the watermarks of the tables finished so far
// are stored and tables_last_sync_at is left, so the next run lists the
// same tables again and the data gate skips the finished ones.
func (c *Client) SyncTables(ctx context.Context, opts SyncTablesOptions) (*SyncTablesSummary, error) {
	if opts.OnPage == nil {
		return nil, errors.New("teicor: sync tables: missing OnPage: set it to the function that processes each page of records")
	}
	if opts.PageSize < 0 || opts.PageSize > MaxPageSize {
		return nil, fmt.Errorf("teicor: sync tables: invalid PageSize %d: must be between 1 and %d, or 0 for %d",
			opts.PageSize, MaxPageSize, MaxPageSize)
	}
	state, err := c.GetCoreState(ctx)
	if err != nil {
		return nil, err
	}
	last, err := stateTime(state.State, StateTablesLastSyncAt)
	if err != nil {
		return nil, fmt.Errorf("teicor: sync tables: %w", err)
	}
	list, err := c.ListTables(ctx, ListTablesOptions{UpdatedSince: last})
	if err != nil {
		return nil, err
	}

	summary := &SyncTablesSummary{TablesListed: len(list.Tables), LastSyncAt: last}
	if len(list.Tables) == 0 {
		return summary, nil
	}
	prev := stateWatermarks(state.State, StateTableWatermarks)
	changed := map[string]string{}
	latest := last
	for _, table := range list.Tables {
		if err := c.syncTable(ctx, table, prev[table.ID], opts, summary, changed); err != nil {
			return summary, c.saveWatermarks(ctx, StateTableWatermarks, changed, err)
		}
		if table.UpdatedAt.After(latest) {
			latest = table.UpdatedAt
		}
	}

	patch := map[string]any{StateTablesLastSyncAt: formatTime(latest)}
	if len(changed) > 0 {
		patch[StateTableWatermarks] = watermarkPatch(changed)
	}
	if _, err := c.PatchCoreState(ctx, patch); err != nil {
		return summary, err
	}
	summary.LastSyncAt = latest
	return summary, nil
}

// syncTable checks the data gate of one table and, if it changed, reads
// its records. The new watermark goes into changed.
func (c *Client) syncTable(ctx context.Context, table Table, watermark string, opts SyncTablesOptions,
	summary *SyncTablesSummary, changed map[string]string,
) error {
	status, err := c.GetTableSyncStatus(ctx, table.ID, watermark)
	if err != nil {
		return err
	}
	if !status.HasChanges {
		return nil
	}
	summary.TablesChanged++
	for page, err := range c.RecordPages(ctx, table.ID, ListRecordsOptions{Limit: opts.PageSize}) {
		if err != nil {
			return err
		}
		if err := opts.OnPage(ctx, table, page); err != nil {
			return fmt.Errorf("teicor: sync tables: process table %s at offset %d: %w", table.ID, page.Offset, err)
		}
		summary.Pages++
		summary.Records += len(page.Records)
	}
	if status.SourceWatermark != "" {
		changed[table.ID] = status.SourceWatermark
	}
	return nil
}

// saveWatermarks stores the watermarks finished before cause stopped a
// sync, and returns cause joined with any error of storing them.
func (c *Client) saveWatermarks(ctx context.Context, key string, changed map[string]string, cause error) error {
	if len(changed) == 0 || ctx.Err() != nil {
		return cause
	}
	if _, err := c.PatchCoreState(ctx, map[string]any{key: watermarkPatch(changed)}); err != nil {
		return errors.Join(cause, fmt.Errorf("teicor: store watermarks of finished items: %w", err))
	}
	return cause
}
