package teicor_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// runtimeCase pins the wire form of one runtime operation.
type runtimeCase struct {
	name       string
	call       func(ctx context.Context, c *teicor.Client) error
	method     string
	path       string // escaped, under /runtime/
	query      url.Values
	body       string // expected JSON body; "" for none
	respStatus int
	respBody   any
}

var testSince = time.Date(2026, 12, 4, 14, 31, 44, 123456000, time.UTC)

func stringPtr(s string) *string { return &s }

func boolPtr(b bool) *bool { return &b }

func schemaAndTableCases() []runtimeCase {
	schema := map[string]any{"name": "app", "created_at": "2026-12-04T14:31:44.123456Z", "updated_at": "2026-12-04T14:31:44.123456Z"}
	table := map[string]any{"id": "t1", "name": "orders", "schema_name": "app", "is_private": true, "row_count": 3}
	return []runtimeCase{
		{
			name: "list_schemas", method: "GET", path: "api/schemas", respBody: map[string]any{"schemas": []any{schema}},
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.ListSchemas(ctx); return err },
		},
		{
			name: "create_schema", method: "POST", path: "api/schemas", body: `{"name":"app"}`, respStatus: 201, respBody: schema,
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.CreateSchema(ctx, "app"); return err },
		},
		{
			name: "update_schema", method: "PATCH", path: "api/schemas/app", body: `{"name":"app_v2"}`, respBody: schema,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.RenameSchema(ctx, "app", "app_v2")
				return err
			},
		},
		{
			name: "delete_schema", method: "DELETE", path: "api/schemas/app%2Fv1", respStatus: 204,
			call: func(ctx context.Context, c *teicor.Client) error { return c.DeleteSchema(ctx, "app/v1") },
		},
		{
			name: "list_tables", method: "GET", path: "api/tables",
			query:    url.Values{"updated_since": {"2026-12-04T14:31:44.123456Z"}},
			respBody: map[string]any{"tables": []any{table}},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.ListTables(ctx, teicor.ListTablesOptions{UpdatedSince: testSince.In(time.FixedZone("x", 3600))})
				return err
			},
		},
		{
			name: "get_table", method: "GET", path: "api/tables/t1", respBody: table,
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.GetTable(ctx, "t1"); return err },
		},
		{
			name: "create_table", method: "POST", path: "api/tables", respStatus: 201, respBody: table,
			body: `{"name":"orders","schema_name":"app","is_private":true}`,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.CreateTable(ctx, teicor.CreateTableRequest{Name: "orders", SchemaName: "app", IsPrivate: true})
				return err
			},
		},
		{
			name: "update_table", method: "PATCH", path: "api/tables/t1", body: `{"name":"orders_v2","is_private":false}`, respBody: table,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.UpdateTable(ctx, "t1", teicor.UpdateTableRequest{Name: stringPtr("orders_v2"), IsPrivate: boolPtr(false)})
				return err
			},
		},
		{
			name: "delete_table", method: "DELETE", path: "api/tables/t1", respStatus: 204,
			call: func(ctx context.Context, c *teicor.Client) error { return c.DeleteTable(ctx, "t1") },
		},
	}
}

func columnCases() []runtimeCase {
	column := map[string]any{"id": "c1", "table_id": "t1", "name": "Email", "column_type": "email", "config": map[string]any{"unique": true}}
	return []runtimeCase{
		{
			name: "list_columns", method: "GET", path: "api/tables/t1/columns", respBody: map[string]any{"columns": []any{column}},
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.ListColumns(ctx, "t1"); return err },
		},
		{
			name: "create_column", method: "POST", path: "api/tables/t1/columns", respStatus: 201, respBody: column,
			body: `{"name":"Email","column_type":"email","config":{"unique":true}}`,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.CreateColumn(ctx, "t1", teicor.CreateColumnRequest{
					Name: "Email", Type: teicor.ColumnEmail, Config: teicor.ColumnConfig{Unique: true},
				})
				return err
			},
		},
		{
			name: "update_column", method: "PATCH", path: "api/tables/t1/columns/c1", respBody: column,
			body: `{"name":"E-mail","config":{"required":true}}`,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.UpdateColumn(ctx, "t1", "c1", teicor.UpdateColumnRequest{
					Name: stringPtr("E-mail"), Config: &teicor.ColumnConfig{Required: true},
				})
				return err
			},
		},
		{
			name: "delete_column", method: "DELETE", path: "api/tables/t1/columns/c1", respStatus: 204,
			call: func(ctx context.Context, c *teicor.Client) error { return c.DeleteColumn(ctx, "t1", "c1") },
		},
	}
}

func recordCases() []runtimeCase {
	record := map[string]any{"id": "r1", "data": map[string]any{"c1": "acct_123"}}
	page := map[string]any{"records": []any{record}, "total": 1, "limit": 10, "offset": 20}
	return []runtimeCase{
		{
			name: "list_records", method: "GET", path: "api/tables/t1/records", respBody: page,
			query: url.Values{
				"limit": {"10"}, "offset": {"20"},
				"filter": {`{"and":[{"column_id":"c1","op":"contains","value":"acct_"}]}`},
				"sort":   {`[{"column_id":"c1","direction":"asc"}]`},
			},
			call: func(ctx context.Context, c *teicor.Client) error {
				filter := teicor.And(teicor.Cond("c1", teicor.OpContains, "acct_"))
				_, err := c.ListRecords(ctx, "t1", teicor.ListRecordsOptions{
					Limit: 10, Offset: 20, Filter: &filter, Sort: []teicor.Sort{teicor.Asc("c1")},
				})
				return err
			},
		},
		{
			name: "find_record", method: "GET", path: "api/tables/t1/records", respBody: page,
			query: url.Values{
				"limit":  {"1"},
				"filter": {`{"or":[{"column_id":"c1","op":"eq","value":"acct_123"}]}`},
				"sort":   {`[{"column_id":"c1","direction":"desc"}]`},
			},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, _, err := c.FindRecord(ctx, "t1", teicor.Or(teicor.Cond("c1", teicor.OpEq, "acct_123")), teicor.Desc("c1"))
				return err
			},
		},
		{
			name: "get_record", method: "GET", path: "api/tables/t1/records/r1", respBody: record,
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.GetRecord(ctx, "t1", "r1"); return err },
		},
		{
			name: "create_record", method: "POST", path: "api/tables/t1/records", body: `{"data":{"c1":"acct_123"}}`,
			respStatus: 201, respBody: record,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.CreateRecord(ctx, "t1", teicor.RecordData{"c1": "acct_123"})
				return err
			},
		},
		{
			name: "update_record", method: "PATCH", path: "api/tables/t1/records/r1", body: `{"data":{"c1":"acct_456"}}`, respBody: record,
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.UpdateRecord(ctx, "t1", "r1", teicor.RecordData{"c1": "acct_456"})
				return err
			},
		},
		{
			name: "delete_record", method: "DELETE", path: "api/tables/t1/records/r1", respStatus: 204,
			call: func(ctx context.Context, c *teicor.Client) error { return c.DeleteRecord(ctx, "t1", "r1") },
		},
		{
			name: "bulk_upsert", method: "POST", path: "api/tables/t1/records/bulk",
			body:     `{"records":[{"data":{"c1":"a"}},{"data":{"c1":"b"}}],"on_conflict":"skip"}`,
			respBody: map[string]any{"created": 1, "updated": 0, "skipped": 1, "record_ids": []any{"r1", "r2"}},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.BulkUpsert(ctx, "t1", []teicor.RecordData{{"c1": "a"}, {"c1": "b"}}, teicor.OnConflictSkip)
				return err
			},
		},
		{
			name: "get_table_sync_status", method: "GET", path: "api/tables/t1/sync-status",
			query:    url.Values{"if_newer_than_watermark": {"w1"}},
			respBody: map[string]any{"table_id": "t1", "has_changes": true, "source_watermark": "w2"},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.GetTableSyncStatus(ctx, "t1", "w1")
				return err
			},
		},
	}
}

func queryCases() []runtimeCase {
	q := map[string]any{"id": "q1", "name": "Open orders", "group_id": "g1", "definition": map[string]any{"table_id": "t1"}}
	result := map[string]any{"query_id": "q1", "columns": []any{}, "rows": []any{}, "source_watermark": "w2"}
	return []runtimeCase{
		{
			name: "list_queries", method: "GET", path: "api/queries", respBody: map[string]any{"queries": []any{q}},
			query: url.Values{"group_id": {"g1"}, "include_all": {"true"}, "updated_since": {"2026-12-04T14:31:44.123456Z"}},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.ListQueries(ctx, teicor.ListQueriesOptions{GroupID: "g1", IncludeAll: true, UpdatedSince: testSince})
				return err
			},
		},
		{
			name: "get_query", method: "GET", path: "api/queries/q1", respBody: q,
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.GetQuery(ctx, "q1"); return err },
		},
		{
			name: "execute_query", method: "POST", path: "api/queries/q1/execute", respBody: result,
			call: func(ctx context.Context, c *teicor.Client) error { _, err := c.ExecuteQuery(ctx, "q1"); return err },
		},
		{
			name: "get_query_data", method: "GET", path: "api/queries/q1/data", respBody: result,
			query: url.Values{"if_newer_than_watermark": {"w1"}},
			call: func(ctx context.Context, c *teicor.Client) error {
				_, err := c.GetQueryData(ctx, "q1", "w1")
				return err
			},
		},
	}
}

func TestRuntimeOperationsWireForm(t *testing.T) {
	var cases []runtimeCase
	cases = append(cases, schemaAndTableCases()...)
	cases = append(cases, columnCases()...)
	cases = append(cases, recordCases()...)
	cases = append(cases, queryCases()...)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.respStatus == http.StatusNoContent {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeJSON(w, max(tc.respStatus, http.StatusOK), tc.respBody)
			})
			is.NoErr(tc.call(context.Background(), f.client(t)))

			got := f.lastRequest()
			is.Equal(got.Method, tc.method)
			is.Equal(got.Path, "/runtime/"+tc.path)
			gotQuery, err := url.ParseQuery(got.RawQuery)
			is.NoErr(err)
			if tc.query == nil {
				tc.query = url.Values{}
			}
			is.Equal(gotQuery, tc.query)
			is.True(jsonEqual(t, got.Body, tc.body)) // request body

			wantToken := "Bearer rt-write-1"
			if tc.method == http.MethodGet {
				wantToken = "Bearer rt-read-1"
			}
			is.Equal(got.Header.Get("Authorization"), wantToken)
			is.Equal(got.Header.Get("X-Teicor-App-Slug"), "") // runtime calls carry no service credentials
			if tc.body != "" {
				is.Equal(got.Header.Get("Content-Type"), "application/json")
			}
		})
	}
}

func TestCoreOperationsWireForm(t *testing.T) {
	is := is.New(t)
	f := newFakeAPI(t, nil)
	f.core = func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"state": map[string]any{"cursor": "p2"}, "updated_at": "2026-12-04T14:31:44Z"})
	}
	c := f.client(t)
	ctx := context.Background()

	appCtx, err := c.GetContext(ctx)
	is.NoErr(err)
	is.Equal(appCtx.AuthURL, f.srv.URL+"/auth")
	got := f.lastRequest()
	is.Equal(got.Method, "GET")
	is.Equal(got.Path, corePath+"/context")
	is.Equal(got.Header.Get("Authorization"), "Bearer "+testServiceToken)
	is.Equal(got.Header.Get("X-Teicor-App-Slug"), testApp)

	state, err := c.GetCoreState(ctx)
	is.NoErr(err)
	is.Equal(state.State["cursor"], "p2")
	got = f.lastRequest()
	is.Equal(got.Method, "GET")
	is.Equal(got.Path, corePath+"/core/state")
	is.Equal(got.Header.Get("X-Teicor-App-Slug"), testApp)

	_, err = c.PatchCoreState(ctx, map[string]any{"cursor": "p3", "old": nil})
	is.NoErr(err)
	got = f.lastRequest()
	is.Equal(got.Method, "PATCH")
	is.Equal(got.Path, corePath+"/core/state")
	is.True(jsonEqual(t, got.Body, `{"state":{"cursor":"p3","old":null}}`)) // merge patch body

	tok, err := c.RuntimeAuthorityToken(ctx, teicor.ScopeWrite)
	is.NoErr(err)
	is.Equal(tok.Token.Reveal(), "rt-write-1")
	is.Equal(tok.Scope, teicor.ScopeWrite)
	is.True(time.Until(tok.ExpiresAt) > 59*time.Minute) // expiry from expires_in_seconds
	got = f.lastRequest()
	is.Equal(got.Method, "POST")
	is.Equal(got.Path, "/auth")
	is.Equal(got.Header.Get("Authorization"), "Bearer "+testServiceToken)
	is.Equal(got.Header.Get("X-Teicor-App-Slug"), testApp)
	is.True(jsonEqual(t, got.Body, `{"scope":"write"}`)) // token request body
}
