package teicor_test

import (
	"context"
	"fmt"
	"log"

	"github.com/teicor/conduit-connector-teicor/teicor"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// exampleClient starts an emulator and returns a client of it. Against the
// real service, BaseURL is omitted and the slugs and service token come
// from the app installation.
func exampleClient() (*teicor.Client, *teicortest.Server) {
	srv := teicortest.NewServer()
	c, err := teicor.New(teicor.Options{
		BaseURL:      srv.URL,
		TeamSlug:     srv.TeamSlug,
		AppSlug:      srv.AppSlug,
		ServiceToken: teicor.Secret(srv.ServiceToken),
	})
	if err != nil {
		log.Fatal(err)
	}
	return c, srv
}

// The CRUD quickstart: context, schema, table, column and record.
func Example() {
	c, srv := exampleClient()
	ctx := context.Background()

	appCtx, err := c.GetContext(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("runtime URL set:", appCtx.RuntimeURL != "")

	if _, err := c.CreateSchema(ctx, "app_shopify"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.RenameSchema(ctx, "app_shopify", "app_shopify_v2"); err != nil {
		log.Fatal(err)
	}
	table, err := c.CreateTable(ctx, teicor.CreateTableRequest{Name: "oauth_tokens", SchemaName: "app_shopify_v2", IsPrivate: true})
	if err != nil {
		log.Fatal(err)
	}
	column, err := c.CreateColumn(ctx, table.ID, teicor.CreateColumnRequest{
		Name: "Provider Account Id", Type: teicor.ColumnSingleLineText, Config: teicor.ColumnConfig{Unique: true},
	})
	if err != nil {
		log.Fatal(err)
	}

	created, err := c.CreateRecord(ctx, table.ID, teicor.RecordData{column.ID: "acct_123"})
	if err != nil {
		log.Fatal(err)
	}
	filter := teicor.And(teicor.Cond(column.ID, teicor.OpContains, "acct_"))
	page, err := c.ListRecords(ctx, table.ID, teicor.ListRecordsOptions{
		Limit: 50, Filter: &filter, Sort: []teicor.Sort{teicor.Asc(column.ID)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("matching records:", page.Total)

	if _, err := c.UpdateRecord(ctx, table.ID, created.ID, teicor.RecordData{column.ID: "acct_456"}); err != nil {
		log.Fatal(err)
	}
	first, found, err := c.FindRecord(ctx, table.ID, teicor.And(teicor.Cond(column.ID, teicor.OpEq, "acct_456")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("found:", found, first.Data[column.ID])

	if err := c.DeleteRecord(ctx, table.ID, created.ID); err != nil {
		log.Fatal(err)
	}
	if err := c.DeleteColumn(ctx, table.ID, column.ID); err != nil {
		log.Fatal(err)
	}
	if err := c.DeleteTable(ctx, table.ID); err != nil {
		log.Fatal(err)
	}
	if err := c.DeleteSchema(ctx, "app_shopify_v2"); err != nil {
		log.Fatal(err)
	}
	srv.Close()
	// Output:
	// runtime URL set: true
	// matching records: 1
	// found: true acct_456
}

// Core state is a JSON object per app installation, changed by merge
// patches.
func ExampleClient_PatchCoreState() {
	c, srv := exampleClient()
	ctx := context.Background()

	if _, err := c.PatchCoreState(ctx, map[string]any{"cursor": "next-page-token", "stale": true}); err != nil {
		log.Fatal(err)
	}
	state, err := c.PatchCoreState(ctx, map[string]any{"stale": nil})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(state.State)
	srv.Close()
	// Output:
	// map[cursor:next-page-token]
}

// Query helpers: list, execute, then fetch data only when it is newer than
// a watermark.
func ExampleClient_GetQueryData() {
	c, srv := exampleClient()
	ctx := context.Background()
	ref, _ := srv.CreateTable("app", "orders", teicortest.ColumnSpec{Name: "sku", Type: "single_line_text"})
	_, _ = srv.InsertRows(ref.ID, map[string]any{"sku": "A-1"}, map[string]any{"sku": "B-2"})
	_, _ = srv.CreateQuery("All orders", "reports", teicortest.QueryDef{TableID: ref.ID, Columns: []string{ref.Columns["sku"]}}, false)

	queries, err := c.ListQueries(ctx, teicor.ListQueriesOptions{IncludeAll: true})
	if err != nil {
		log.Fatal(err)
	}
	queryID := queries.Queries[0].ID
	snapshot, err := c.ExecuteQuery(ctx, queryID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows:", snapshot.Rows)

	incremental, err := c.GetQueryData(ctx, queryID, snapshot.SourceWatermark)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("unchanged:", incremental.Unchanged)
	srv.Close()
	// Output:
	// rows: [map[sku:A-1] map[sku:B-2]]
	// unchanged: true
}

// The query two-gate sync: only queries whose definition or data changed
// reach the callback, and the state advances in core state.
func ExampleClient_SyncQueries() {
	c, srv := exampleClient()
	ctx := context.Background()
	ref, _ := srv.CreateTable("app", "orders", teicortest.ColumnSpec{Name: "sku", Type: "single_line_text"})
	_, _ = srv.InsertRows(ref.ID, map[string]any{"sku": "A-1"})
	_, _ = srv.CreateQuery("All orders", "reports", teicortest.QueryDef{TableID: ref.ID, Columns: []string{ref.Columns["sku"]}}, true)

	onQuery := func(_ context.Context, q teicor.Query, res *teicor.QueryResult) error {
		fmt.Printf("%s: %d rows\n", q.Name, len(res.Rows))
		return nil
	}
	for range 2 {
		summary, err := c.SyncQueries(ctx, teicor.SyncQueriesOptions{OnQuery: onQuery})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("listed %d, changed %d\n", summary.QueriesListed, summary.QueriesChanged)
	}
	srv.Close()
	// Output:
	// All orders: 1 rows
	// listed 1, changed 1
	// listed 1, changed 0
}

// The table two-gate sync: records are read only from tables whose data
// changed since the stored watermark.
func ExampleClient_SyncTables() {
	c, srv := exampleClient()
	ctx := context.Background()
	ref, _ := srv.CreateTable("app", "orders", teicortest.ColumnSpec{Name: "sku", Type: "single_line_text"})
	_, _ = srv.InsertRows(ref.ID, map[string]any{"sku": "A-1"}, map[string]any{"sku": "B-2"})

	onPage := func(_ context.Context, table teicor.Table, page *teicor.RecordPage) error {
		fmt.Printf("%s: %d records\n", table.Name, len(page.Records))
		return nil
	}
	for range 2 {
		summary, err := c.SyncTables(ctx, teicor.SyncTablesOptions{PageSize: 200, OnPage: onPage})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("changed tables: %d\n", summary.TablesChanged)
	}
	srv.Close()
	// Output:
	// orders: 2 records
	// changed tables: 1
	// changed tables: 0
}

// Bulk sync in chunks with a checkpoint in core state, so that an interrupted
// run resumes at the chunk that failed.
func ExampleClient_SyncRecordsBulkWithCheckpoint() {
	c, srv := exampleClient()
	ctx := context.Background()
	ref, _ := srv.CreateTable("app", "orders",
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}})

	records := make([]teicor.RecordData, 1200)
	for i := range records {
		records[i] = teicor.RecordData{ref.Columns["sku"]: fmt.Sprintf("SKU-%04d", i)}
	}
	summary, err := c.SyncRecordsBulkWithCheckpoint(ctx, "orders_import", ref.ID, records, teicor.BulkOptions{
		OnConflict: teicor.OnConflictOverwrite,
		OnChunk: func(_ context.Context, r teicor.ChunkResult) error {
			fmt.Printf("chunk=%d size=%d attempts=%d\n", r.Index+1, r.Records, r.Attempts)
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("records=%d created=%d\n", summary.Records, summary.Created)
	srv.Close()
	// Output:
	// chunk=1 size=500 attempts=1
	// chunk=2 size=500 attempts=1
	// chunk=3 size=200 attempts=1
	// records=1200 created=1200
}
