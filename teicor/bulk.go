package teicor

import (
	"context"
	"fmt"
	"net/http"
)

// OnConflict is the action of a bulk upsert on a record whose value in a
// unique column matches an existing record.
type OnConflict string

// Conflict modes.
const (
	// OnConflictOverwrite replaces the given columns of the existing record.
	OnConflictOverwrite OnConflict = "overwrite"
	// OnConflictSkip leaves the existing record unchanged.
	OnConflictSkip OnConflict = "skip"
	// OnConflictError rejects the whole request with 409.
	OnConflictError OnConflict = "error"
)

// BulkResult is the outcome of one bulk upsert.
type BulkResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Skipped int `json:"skipped"`
	// RecordIDs has one id per input record, in input order.
	RecordIDs []string `json:"record_ids"`
}

type bulkRecord struct {
	Data RecordData `json:"data"`
}

type bulkBody struct {
	Records    []bulkRecord `json:"records"`
	OnConflict OnConflict   `json:"on_conflict"`
}

// BulkUpsert creates or updates up to MaxBulkChunk records in one atomic
// request (bulk_upsert). An empty onConflict means OnConflictOverwrite.
// With overwrite or skip the request is idempotent and retried; with error
// it is sent once. An empty records slice sends nothing.
func (c *Client) BulkUpsert(ctx context.Context, tableID string, records []RecordData, onConflict OnConflict) (*BulkResult, error) {
	out, _, err := c.bulkUpsert(ctx, tableID, records, onConflict, nil)
	return out, err
}

// bulkUpsert is BulkUpsert with a retry policy override. It also returns
// the number of attempts.
func (c *Client) bulkUpsert(ctx context.Context, tableID string, records []RecordData, onConflict OnConflict, policy *RetryPolicy) (*BulkResult, int, error) {
	if err := requireID(opBulkUpsert, "table id", tableID); err != nil {
		return nil, 0, err
	}
	onConflict, err := checkOnConflict(onConflict)
	if err != nil {
		return nil, 0, fmt.Errorf("teicor: %s: %w", opBulkUpsert, err)
	}
	if len(records) > MaxBulkChunk {
		return nil, 0, fmt.Errorf("teicor: %s: %d records exceed the limit of %d per request: split them, or use SyncRecordsBulk",
			opBulkUpsert, len(records), MaxBulkChunk)
	}
	if len(records) == 0 {
		return &BulkResult{RecordIDs: []string{}}, 0, nil
	}

	body := bulkBody{Records: make([]bulkRecord, len(records)), OnConflict: onConflict}
	for i, data := range records {
		body.Records[i] = bulkRecord{Data: nonNilData(data)}
	}
	var out BulkResult
	req := request{
		op: opBulkUpsert, method: http.MethodPost, api: apiRuntime, path: pathBulk(tableID),
		body: body, idempotent: onConflict != OnConflictError, policy: policy,
	}
	resp, err := c.do(ctx, req, &out)
	if err != nil {
		return nil, resp.attempts, err
	}
	return &out, resp.attempts, nil
}

// checkOnConflict returns the mode to send: an empty mode means overwrite.
func checkOnConflict(mode OnConflict) (OnConflict, error) {
	switch mode {
	case "":
		return OnConflictOverwrite, nil
	case OnConflictOverwrite, OnConflictSkip, OnConflictError:
		return mode, nil
	}
	return "", fmt.Errorf("invalid on_conflict %q: use %q, %q or %q", mode, OnConflictOverwrite, OnConflictSkip, OnConflictError)
}
