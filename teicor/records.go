package teicor

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RecordData is the content of a record, keyed by column id. Decoded
// numbers are json.Number.
type RecordData map[string]any

// Record is one row of a table.
type Record struct {
	ID        string     `json:"id"`
	Data      RecordData `json:"data"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// ListRecordsOptions selects a page of records.
type ListRecordsOptions struct {
	// Limit is the page size: 0 means the server default of 50, and more
	// than MaxPageSize is rejected before sending.
	Limit int
	// Offset is the number of matching records to skip.
	Offset int
	// Filter, if set, selects the records that match.
	Filter *Filter
	// Sort orders the records. The default is creation order.
	Sort []Sort
}

// RecordPage is one page of records.
type RecordPage struct {
	Records []Record `json:"records"`
	// Total is the number of records that match, across all pages.
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

type recordBody struct {
	Data RecordData `json:"data"`
}

// query encodes the options as query parameters after checking them.
func (o ListRecordsOptions) query() (url.Values, error) {
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return nil, fmt.Errorf("invalid limit %d: must be between 1 and %d, or 0 for the server default", o.Limit, MaxPageSize)
	}
	if o.Offset < 0 {
		return nil, fmt.Errorf("invalid offset %d: must be 0 or more", o.Offset)
	}
	query := url.Values{}
	if o.Limit > 0 {
		query.Set(paramLimit, strconv.Itoa(o.Limit))
	}
	if o.Offset > 0 {
		query.Set(paramOffset, strconv.Itoa(o.Offset))
	}
	if o.Filter != nil {
		if err := o.Filter.Validate(); err != nil {
			return nil, err
		}
		b, err := json.Marshal(o.Filter)
		if err != nil {
			return nil, fmt.Errorf("encode filter: %w", err)
		}
		query.Set(paramFilter, string(b))
	}
	if len(o.Sort) > 0 {
		for _, s := range o.Sort {
			if err := s.validate(); err != nil {
				return nil, err
			}
		}
		b, err := json.Marshal(o.Sort)
		if err != nil {
			return nil, fmt.Errorf("encode sort: %w", err)
		}
		query.Set(paramSort, string(b))
	}
	return query, nil
}

// ListRecords returns one page of the records of a table (list_records).
func (c *Client) ListRecords(ctx context.Context, tableID string, opts ListRecordsOptions) (*RecordPage, error) {
	if err := requireID(opListRecords, "table id", tableID); err != nil {
		return nil, err
	}
	query, err := opts.query()
	if err != nil {
		return nil, fmt.Errorf("teicor: %s: %w", opListRecords, err)
	}
	var out RecordPage
	req := request{op: opListRecords, method: http.MethodGet, api: apiRuntime, path: pathRecords(tableID), query: query, idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RecordPages returns an iterator over the pages of records that match
// opts, starting at opts.Offset. A zero opts.Limit means MaxPageSize. The
// iterator stops after the first page shorter than the limit, or after
// yielding an error.
func (c *Client) RecordPages(ctx context.Context, tableID string, opts ListRecordsOptions) iter.Seq2[*RecordPage, error] {
	if opts.Limit == 0 {
		opts.Limit = MaxPageSize
	}
	return func(yield func(*RecordPage, error) bool) {
		for {
			page, err := c.ListRecords(ctx, tableID, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || len(page.Records) < opts.Limit {
				return
			}
			opts.Offset += len(page.Records)
		}
	}
}

// FindRecord returns the first record that matches filter in the given
// order (find_record). The second result is false when none matches.
func (c *Client) FindRecord(ctx context.Context, tableID string, filter Filter, sort ...Sort) (*Record, bool, error) {
	page, err := c.ListRecords(ctx, tableID, ListRecordsOptions{Limit: 1, Filter: &filter, Sort: sort})
	if err != nil {
		return nil, false, err
	}
	if len(page.Records) == 0 {
		return nil, false, nil
	}
	return &page.Records[0], true, nil
}

// GetRecord returns one record (get_record).
func (c *Client) GetRecord(ctx context.Context, tableID, recordID string) (*Record, error) {
	if err := requireRecordIDs(opGetRecord, tableID, recordID); err != nil {
		return nil, err
	}
	var out Record
	req := request{op: opGetRecord, method: http.MethodGet, api: apiRuntime, path: pathRecord(tableID, recordID), idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRecord creates a record (create_record). It is not retried, because
// a retry after a lost response would create a second record.
func (c *Client) CreateRecord(ctx context.Context, tableID string, data RecordData) (*Record, error) {
	if err := requireID(opCreateRecord, "table id", tableID); err != nil {
		return nil, err
	}
	var out Record
	req := request{op: opCreateRecord, method: http.MethodPost, api: apiRuntime, path: pathRecords(tableID), body: recordBody{Data: nonNilData(data)}}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRecord changes the given columns of a record and leaves the others
// (update_record).
func (c *Client) UpdateRecord(ctx context.Context, tableID, recordID string, data RecordData) (*Record, error) {
	if err := requireRecordIDs(opUpdateRecord, tableID, recordID); err != nil {
		return nil, err
	}
	var out Record
	req := request{
		op: opUpdateRecord, method: http.MethodPatch, api: apiRuntime, path: pathRecord(tableID, recordID),
		body: recordBody{Data: nonNilData(data)}, idempotent: true,
	}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRecord deletes a record (delete_record).
func (c *Client) DeleteRecord(ctx context.Context, tableID, recordID string) error {
	if err := requireRecordIDs(opDeleteRecord, tableID, recordID); err != nil {
		return err
	}
	req := request{op: opDeleteRecord, method: http.MethodDelete, api: apiRuntime, path: pathRecord(tableID, recordID), idempotent: true}
	_, err := c.do(ctx, req, nil)
	return err
}

func requireRecordIDs(op, tableID, recordID string) error {
	if err := requireID(op, "table id", tableID); err != nil {
		return err
	}
	return requireID(op, "record id", recordID)
}

func nonNilData(data RecordData) RecordData {
	if data == nil {
		return RecordData{}
	}
	return data
}
