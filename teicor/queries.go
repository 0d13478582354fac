package teicor

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Query is a saved query.
type Query struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	GroupID string `json:"group_id"`
	// Definition is the query's definition as the API returns it.
	Definition json.RawMessage `json:"definition"`
	CreatedAt  time.Time       `json:"created_at"`
	// UpdatedAt advances when the definition changes and when the data of
	// a table the query reads changes.
	UpdatedAt time.Time `json:"updated_at"`
}

// ListQueriesOptions filters ListQueries.
type ListQueriesOptions struct {
	// GroupID, if set, lists only the queries of that group.
	GroupID string
	// IncludeAll lists every query the team can see, not only those this
	// app installation created.
	IncludeAll bool
	// UpdatedSince, if not zero, lists only queries with updated_at at or
	// after it.
	UpdatedSince time.Time
}

// QueryList is the result of ListQueries.
type QueryList struct {
	Queries []Query
	// ServerTime is the response's Date header, or zero if absent.
	ServerTime time.Time
}

// QueryColumn is a column of a query result.
type QueryColumn struct {
	Name string     `json:"name"`
	Type ColumnType `json:"column_type"`
}

// QueryResult is the result of executing a query.
type QueryResult struct {
	QueryID string `json:"query_id"`
	// Unchanged is true when GetQueryData found no data newer than the
	// watermark passed in. Columns and Rows are then empty.
	Unchanged bool          `json:"unchanged"`
	Columns   []QueryColumn `json:"columns"`
	// Rows are keyed by column name. Numbers are json.Number.
	Rows []map[string]any `json:"rows"`
	// SourceWatermark is opaque: store it and pass it back, never compare
	// it.
	SourceWatermark string    `json:"source_watermark"`
	ExecutedAt      time.Time `json:"executed_at"`
}

type queryList struct {
	Queries []Query `json:"queries"`
}

// ListQueries lists saved queries (list_queries).
func (c *Client) ListQueries(ctx context.Context, opts ListQueriesOptions) (*QueryList, error) {
	query := url.Values{}
	if opts.GroupID != "" {
		query.Set(paramGroupID, opts.GroupID)
	}
	if opts.IncludeAll {
		query.Set(paramIncludeAll, strconv.FormatBool(true))
	}
	if !opts.UpdatedSince.IsZero() {
		query.Set(paramUpdatedSince, formatTime(opts.UpdatedSince))
	}
	var out queryList
	req := request{op: opListQueries, method: http.MethodGet, api: apiRuntime, path: pathQueries(), query: query, idempotent: true}
	resp, err := c.do(ctx, req, &out)
	if err != nil {
		return nil, err
	}
	return &QueryList{Queries: out.Queries, ServerTime: resp.serverTime()}, nil
}

// GetQuery returns one saved query (get_query).
func (c *Client) GetQuery(ctx context.Context, queryID string) (*Query, error) {
	if err := requireID(opGetQuery, "query id", queryID); err != nil {
		return nil, err
	}
	var out Query
	req := request{op: opGetQuery, method: http.MethodGet, api: apiRuntime, path: pathQuery(queryID), idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExecuteQuery runs a query and returns all its rows (execute_query). It is
// a POST and so is not retried.
func (c *Client) ExecuteQuery(ctx context.Context, queryID string) (*QueryResult, error) {
	if err := requireID(opExecuteQuery, "query id", queryID); err != nil {
		return nil, err
	}
	var out QueryResult
	req := request{op: opExecuteQuery, method: http.MethodPost, api: apiRuntime, path: pathQueryExecute(queryID)}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetQueryData is the data gate of a query (get_query_data). It returns the
// rows when the query's data is newer than the watermark, or a result with
// Unchanged set. An empty watermark always returns the rows.
func (c *Client) GetQueryData(ctx context.Context, queryID, ifNewerThanWatermark string) (*QueryResult, error) {
	if err := requireID(opGetQueryData, "query id", queryID); err != nil {
		return nil, err
	}
	query := url.Values{}
	if ifNewerThanWatermark != "" {
		query.Set(paramIfNewerThanWatermark, ifNewerThanWatermark)
	}
	var out QueryResult
	req := request{op: opGetQueryData, method: http.MethodGet, api: apiRuntime, path: pathQueryData(queryID), query: query, idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
