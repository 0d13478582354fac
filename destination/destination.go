// Package destination is the Conduit destination that writes records into
// Teicor tables: creates, updates and snapshots become chunked bulk
// upserts matched on a unique key column, and deletes remove the record
// with the same key.
package destination

import (
	"context"
	"fmt"
	"net/http"
	"text/template"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Destination writes Conduit records into Teicor tables.
type Destination struct {
	sdk.UnimplementedDestination

	config        Config
	onConflict    teicor.OnConflict
	tableTemplate *template.Template

	client     *teicor.Client
	httpClient *http.Client
	catalog    *catalog
	schemas    payloadSchemas
}

// New returns a destination wrapped in the SDK's default middleware.
func New() sdk.Destination {
	return sdk.DestinationWithMiddleware(&Destination{})
}

// Config returns the configuration that Conduit fills in before Open.
func (d *Destination) Config() sdk.DestinationConfig {
	return &d.config
}

// Open builds the Teicor client and checks the credentials by fetching the
// app context.
func (d *Destination) Open(ctx context.Context) error {
	var err error
	d.onConflict, err = parseOnConflict(d.config.OnConflict)
	if err != nil {
		return err
	}
	d.tableTemplate, err = parseTableTemplate(d.config.Table)
	if err != nil {
		return fmt.Errorf("invalid table template %q: %w", d.config.Table, err)
	}

	opts := d.config.ClientOptions()
	opts.OnRetry = logRetry
	d.httpClient = opts.HTTPClient
	d.client, err = teicor.New(opts)
	if err != nil {
		return fmt.Errorf("create teicor client: %w", err)
	}
	if _, err := d.client.GetContext(ctx); err != nil {
		return fmt.Errorf("get teicor app context for team %q and app %q: %w",
			d.config.TeamSlug, d.config.AppSlug, err)
	}
	d.catalog = newCatalog(d.client, &d.config, opts.Retry)

	sdk.Logger(ctx).Info().
		Str("table", d.config.Table).
		Str("schema", d.config.Schema).
		Str("key_column", d.config.KeyColumn).
		Str("on_conflict", d.config.OnConflict).
		Int("chunk_size", d.config.ChunkSize).
		Msg("teicor destination opened")
	return nil
}

// Teardown closes the idle HTTP connections. Every Write finishes its
// requests before it returns, so nothing else is left open.
func (d *Destination) Teardown(ctx context.Context) error {
	if d.httpClient != nil {
		d.httpClient.CloseIdleConnections()
	}
	sdk.Logger(ctx).Info().Msg("teicor destination stopped")
	return nil
}

// logRetry logs one warning per retried request, with the table id that
// the write added to the context.
func logRetry(ctx context.Context, info teicor.RetryInfo) {
	sdk.Logger(ctx).Warn().
		Err(info.Err).
		Str("operation", info.Operation).
		Str("table_id", tableIDFrom(ctx)).
		Int("attempt", info.Attempt).
		Dur("wait", info.Wait).
		Msg("retrying teicor request")
}

type tableIDKey struct{}

func withTableID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, tableIDKey{}, id)
}

func tableIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(tableIDKey{}).(string)
	return id
}
