package teicor

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// TableSyncStatus is the data gate of a table: whether its records changed
// since a watermark.
type TableSyncStatus struct {
	TableID string `json:"table_id"`
	// HasChanges is true when the watermark passed in is empty, unknown or
	// older than the table's current watermark.
	HasChanges bool `json:"has_changes"`
	// SourceWatermark is the table's current watermark. It is opaque: store
	// it and pass it back, never compare it.
	SourceWatermark string    `json:"source_watermark"`
	UpdatedAt       time.Time `json:"updated_at"`
	// ServerTime is the response's Date header, or zero if absent.
	ServerTime time.Time `json:"-"`
}

// GetTableSyncStatus returns the sync status of a table against a watermark
// from an earlier call (get_table_sync_status). An empty watermark always
// reports changes.
func (c *Client) GetTableSyncStatus(ctx context.Context, tableID, ifNewerThanWatermark string) (*TableSyncStatus, error) {
	if err := requireID(opGetTableSyncStatus, "table id", tableID); err != nil {
		return nil, err
	}
	query := url.Values{}
	if ifNewerThanWatermark != "" {
		query.Set(paramIfNewerThanWatermark, ifNewerThanWatermark)
	}
	var out TableSyncStatus
	req := request{op: opGetTableSyncStatus, method: http.MethodGet, api: apiRuntime, path: pathSyncStatus(tableID), query: query, idempotent: true}
	resp, err := c.do(ctx, req, &out)
	if err != nil {
		return nil, err
	}
	out.ServerTime = resp.serverTime()
	return &out, nil
}
