package teicor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SyncQueriesOptions configures SyncQueries.
type SyncQueriesOptions struct {
	// GroupID, if set, syncs only the queries of that group.
	GroupID string
	// IncludeAll syncs every query the team can see, not only those this
	// app installation created.
	IncludeAll bool
	// OnQuery receives the result of each query whose data changed. An
	// error stops the sync.
	OnQuery func(ctx context.Context, q Query, res *QueryResult) error
}

// SyncQueriesSummary counts what one SyncQueries run did.
type SyncQueriesSummary struct {
	// QueriesListed is the number of queries the definition gate returned.
	QueriesListed int
	// QueriesChanged is the number of queries whose data gate returned rows.
	QueriesChanged int
	// LastSyncAt is the last_sync_at stored after the run.
	LastSyncAt time.Time
}

// SyncQueries runs the query two-gate sync of the Python SDK
// (sync_queries). It reads last_sync_at and query_watermarks from the core
// state and lists the queries updated since then (definition gate). For
// each query it fetches the data against the stored watermark (data gate)
// and passes a changed result to opts.OnQuery. Then it stores the new
// watermarks and the max updated_at seen. With no queries listed it sends
// nothing more.
//
// When a call or OnQuery fails, the watermarks of the queries finished so
// far are stored and last_sync_at is left, so the next run lists the same
// queries again and the data gate skips the finished ones.
func (c *Client) SyncQueries(ctx context.Context, opts SyncQueriesOptions) (*SyncQueriesSummary, error) {
	if opts.OnQuery == nil {
		return nil, errors.New("teicor: sync queries: missing OnQuery: set it to the function that processes each changed query result")
	}
	state, err := c.GetCoreState(ctx)
	if err != nil {
		return nil, err
	}
	last, err := stateTime(state.State, StateLastSyncAt)
	if err != nil {
		return nil, fmt.Errorf("teicor: sync queries: %w", err)
	}
	list, err := c.ListQueries(ctx, ListQueriesOptions{GroupID: opts.GroupID, IncludeAll: opts.IncludeAll, UpdatedSince: last})
	if err != nil {
		return nil, err
	}

	summary := &SyncQueriesSummary{QueriesListed: len(list.Queries), LastSyncAt: last}
	if len(list.Queries) == 0 {
		return summary, nil
	}
	prev := stateWatermarks(state.State, StateQueryWatermarks)
	changed := map[string]string{}
	latest := last
	for _, q := range list.Queries {
		if err := c.syncQuery(ctx, q, prev[q.ID], opts, summary, changed); err != nil {
			return summary, c.saveWatermarks(ctx, StateQueryWatermarks, changed, err)
		}
		if q.UpdatedAt.After(latest) {
			latest = q.UpdatedAt
		}
	}

	patch := map[string]any{StateLastSyncAt: formatTime(latest)}
	if len(changed) > 0 {
		patch[StateQueryWatermarks] = watermarkPatch(changed)
	}
	if _, err := c.PatchCoreState(ctx, patch); err != nil {
		return summary, err
	}
	summary.LastSyncAt = latest
	return summary, nil
}

// syncQuery passes the data gate of one query and, if its data changed,
// hands the result to OnQuery. The new watermark goes into changed.
func (c *Client) syncQuery(ctx context.Context, q Query, watermark string, opts SyncQueriesOptions,
	summary *SyncQueriesSummary, changed map[string]string,
) error {
	res, err := c.GetQueryData(ctx, q.ID, watermark)
	if err != nil {
		return err
	}
	if res.Unchanged {
		return nil
	}
	summary.QueriesChanged++
	if err := opts.OnQuery(ctx, q, res); err != nil {
		return fmt.Errorf("teicor: sync queries: process query %s: %w", q.ID, err)
	}
	if res.SourceWatermark != "" {
		changed[q.ID] = res.SourceWatermark
	}
	return nil
}
