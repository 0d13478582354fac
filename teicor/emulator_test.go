package teicor_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// newEmulator starts an emulator and returns it with a client that retries
// fast.
func newEmulator(t *testing.T, opts ...teicortest.Option) (*teicortest.Server, *teicor.Client) {
	t.Helper()
	srv := teicortest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := teicor.New(teicor.Options{
		BaseURL:      srv.URL,
		TeamSlug:     srv.TeamSlug,
		AppSlug:      srv.AppSlug,
		ServiceToken: teicor.Secret(srv.ServiceToken),
		Retry:        teicor.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestEmulatorCRUD(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t, teicortest.WithSeparateRuntimeHost())
	ctx := context.Background()

	appCtx, err := c.GetContext(ctx)
	is.NoErr(err)
	is.Equal(appCtx.RuntimeURL, srv.RuntimeURL) // runtime on its own host
	_, err = c.CreateSchema(ctx, "app_shopify")
	is.NoErr(err)
	_, err = c.RenameSchema(ctx, "app_shopify", "app_shopify_v2")
	is.NoErr(err)
	table, err := c.CreateTable(ctx, teicor.CreateTableRequest{Name: "oauth_tokens", SchemaName: "app_shopify_v2", IsPrivate: true})
	is.NoErr(err)
	col, err := c.CreateColumn(ctx, table.ID, teicor.CreateColumnRequest{
		Name: "Provider Account Id", Type: teicor.ColumnSingleLineText, Config: teicor.ColumnConfig{Unique: true},
	})
	is.NoErr(err)

	created, err := c.CreateRecord(ctx, table.ID, teicor.RecordData{col.ID: "acct_123"})
	is.NoErr(err)
	filter := teicor.And(teicor.Cond(col.ID, teicor.OpContains, "acct_"))
	page, err := c.ListRecords(ctx, table.ID, teicor.ListRecordsOptions{Limit: 50, Filter: &filter, Sort: []teicor.Sort{teicor.Asc(col.ID)}})
	is.NoErr(err)
	is.Equal(page.Total, 1)
	found, ok, err := c.FindRecord(ctx, table.ID, teicor.And(teicor.Cond(col.ID, teicor.OpEq, "acct_123")))
	is.NoErr(err)
	is.True(ok)
	is.Equal(found.ID, created.ID)

	updated, err := c.UpdateRecord(ctx, table.ID, created.ID, teicor.RecordData{col.ID: "acct_456"})
	is.NoErr(err)
	is.Equal(updated.Data[col.ID], "acct_456")
	is.NoErr(c.DeleteRecord(ctx, table.ID, created.ID))
	_, err = c.GetRecord(ctx, table.ID, created.ID)
	is.True(errors.Is(err, teicor.ErrNotFound))

	detail, err := c.GetTable(ctx, table.ID)
	is.NoErr(err)
	is.Equal(len(detail.Columns), 1)
	is.NoErr(c.DeleteColumn(ctx, table.ID, col.ID))
	is.NoErr(c.DeleteTable(ctx, table.ID))
	is.NoErr(c.DeleteSchema(ctx, "app_shopify_v2"))
	schemas, err := c.ListSchemas(ctx)
	is.NoErr(err)
	is.Equal(len(schemas), 0)
}

func TestEmulatorRetryAfter(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	srv.InjectFaults(teicortest.RouteListSchemas, teicortest.Fault{Status: 429, RetryAfter: 2 * time.Second})

	start := time.Now()
	_, err := c.ListSchemas(context.Background())
	elapsed := time.Since(start)

	is.NoErr(err)
	is.Equal(srv.Requests(teicortest.RouteListSchemas), 2)
	is.True(elapsed >= 2*time.Second) // waited for Retry-After
	is.True(elapsed < 4*time.Second)
}

func TestEmulatorDroppedConnection(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	srv.InjectFaults(teicortest.RouteListTables, teicortest.Fault{Drop: true}, teicortest.Fault{Status: 503})

	_, err := c.ListTables(context.Background(), teicor.ListTablesOptions{})
	is.NoErr(err)
	is.Equal(srv.Requests(teicortest.RouteListTables), 3)
}

func TestEmulatorExpiredTokensOneRefresh(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ctx := context.Background()
	_, err := c.ListSchemas(ctx)
	is.NoErr(err)
	before := srv.Requests(teicortest.RouteToken)
	srv.ExpireTokens()

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.ListSchemas(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		is.NoErr(err)
	}
	is.Equal(srv.Requests(teicortest.RouteToken)-before, 1) // one refresh for the burst
}

func TestEmulatorBulkValidationError(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ref, err := srv.CreateTable("app", "orders",
		teicortest.ColumnSpec{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		teicortest.ColumnSpec{Name: "qty", Type: "number"})
	is.NoErr(err)
	sku, qty := ref.Columns["sku"], ref.Columns["qty"]
	records := []teicor.RecordData{{sku: "a", qty: 1}, {sku: "b", qty: "many"}}

	_, err = c.BulkUpsert(context.Background(), ref.ID, records, teicor.OnConflictOverwrite)
	var apiErr *teicor.APIError
	is.True(errors.As(err, &apiErr))
	is.Equal(apiErr.StatusCode, 422)
	index, ok := apiErr.Index()
	is.True(ok)
	is.Equal(index, 1)
	is.Equal(apiErr.ColumnID(), qty)
	is.Equal(srv.RowCount(ref.ID), 0) // the request is atomic
}

func TestEmulatorCancelledRequest(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	srv.SetLatency(teicortest.RouteListQueries, 10*time.Second)
	srv.OnRequest(func(route string) {
		if route == teicortest.RouteListQueries {
			cancel()
		}
	})

	start := time.Now()
	_, err := c.ListQueries(ctx, teicor.ListQueriesOptions{})
	is.True(errors.Is(err, context.Canceled))
	is.True(time.Since(start) < time.Second) // did not wait for the latency
}

func TestEmulatorTokenRejectedTwice(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	srv.InjectFaults(teicortest.RouteGetTable, teicortest.Fault{Status: 403}, teicortest.Fault{Status: 403})
	_, err := c.GetTable(context.Background(), "tbl_missing")
	is.True(errors.Is(err, teicor.ErrForbidden))
	is.Equal(srv.Requests(teicortest.RouteGetTable), 2) // one retry after the refresh
	is.True(!strings.Contains(err.Error(), srv.ServiceToken))
}

func TestEmulatorTokenOutageNotRetriedTwice(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	faults := make([]teicortest.Fault, 20)
	for i := range faults {
		faults[i] = teicortest.Fault{Status: 503}
	}
	srv.InjectFaults(teicortest.RouteToken, faults...)

	_, err := c.ListSchemas(context.Background())
	is.True(errors.Is(err, teicor.ErrUnavailable))
	is.Equal(srv.Requests(teicortest.RouteToken), 4)       // the token request's own retries only
	is.Equal(srv.Requests(teicortest.RouteListSchemas), 0) // never sent without a token
}

func TestEmulatorContextWaitHonoursCancel(t *testing.T) {
	is := is.New(t)
	srv, c := newEmulator(t)
	srv.SetLatency(teicortest.RouteGetContext, 2*time.Second)
	requested := make(chan struct{})
	srv.OnRequest(func(route string) {
		if route == teicortest.RouteGetContext {
			close(requested)
		}
	})
	first := make(chan error, 1)
	go func() {
		_, err := c.GetContext(context.Background())
		first <- err
	}()
	<-requested

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	_, err := c.ListSchemas(ctx)
	is.True(errors.Is(err, context.Canceled))
	is.True(time.Since(start) < time.Second) // did not wait for the first caller
	is.NoErr(<-first)
	is.Equal(srv.Requests(teicortest.RouteGetContext), 1)
}
