package destination

import (
	"context"
	"strings"
	"testing"

	"github.com/conduitio/conduit-commons/config"
	"github.com/conduitio/conduit-commons/paramgen/paramgen"
	sdk "github.com/conduitio/conduit-connector-sdk"
	"github.com/matryer/is"
)

const testToken = "tkmkt_secret_value"

// parseConfig parses settings the way Conduit does: with the parameters
// that the spec generator derives from Config, then Config.Validate.
func parseConfig(t *testing.T, settings config.Config) (*Config, error) {
	t.Helper()
	params, _, err := paramgen.ParseParameters(".", "Config")
	if err != nil {
		t.Fatalf("derive parameters from Config: %v", err)
	}
	d := &Destination{}
	cfg := d.Config()
	err = sdk.Util.ParseConfig(context.Background(), settings, cfg, params)
	return cfg.(*Config), err
}

func validSettings() config.Config {
	return config.Config{
		"teamSlug":     "demo-team",
		"appSlug":      "demo-app",
		"serviceToken": testToken,
		"keyColumn":    "sku",
		"schema":       "shop",
	}
}

func TestConfigDefaults(t *testing.T) {
	is := is.New(t)
	cfg, err := parseConfig(t, validSettings())
	is.NoErr(err)
	is.Equal(cfg.Table, `{{ index .Metadata "opencdc.collection" }}`)
	is.Equal(cfg.OnConflict, "overwrite")
	is.Equal(cfg.ChunkSize, 500)
	is.Equal(cfg.AutoCreateTable, false)
	is.Equal(cfg.AutoCreateColumns, false)
	is.Equal(cfg.BaseURL, "https://api.teicor.com")
}

func TestConfigRejects(t *testing.T) {
	tests := []struct {
		name string
		key  string
		val  string
		want string
	}{
		{"chunk size zero", "chunkSize", "0", "invalid chunkSize 0: must be between 1 and 500"},
		{"chunk size too large", "chunkSize", "501", "invalid chunkSize 501: must be between 1 and 500"},
		{"unknown on conflict", "onConflict", "replace", `"replace"`},
		{"bad template", "table", "{{ .Metadata", `invalid table template "{{ .Metadata"`},
		{"missing key column", "keyColumn", "", "keyColumn"},
		{"auto create without schema", "schema", "", "missing schema: autoCreate.table creates tables by name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			settings := validSettings()
			settings["autoCreate.table"] = "true"
			settings[tt.key] = tt.val
			_, err := parseConfig(t, settings)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), tt.want))
			is.True(!strings.Contains(err.Error(), testToken)) // the token stays out of errors
		})
	}
}

func TestConfigChunkSizeBounds(t *testing.T) {
	for _, size := range []string{"1", "500"} {
		t.Run(size, func(t *testing.T) {
			is := is.New(t)
			settings := validSettings()
			settings["chunkSize"] = size
			_, err := parseConfig(t, settings)
			is.NoErr(err)
		})
	}
}

func TestNewWritesThroughMiddleware(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	srv, tableID := newServer(t)
	params, _, err := paramgen.ParseParameters(".", "Config")
	is.NoErr(err)

	d := New()
	settings := config.Config{
		"baseURL":      srv.URL,
		"teamSlug":     srv.TeamSlug,
		"appSlug":      srv.AppSlug,
		"serviceToken": srv.ServiceToken,
		"table":        "items",
		"schema":       testSchema,
		"keyColumn":    "sku",
	}
	is.NoErr(sdk.Util.ParseConfig(ctx, settings, d.Config(), params))
	is.NoErr(d.Open(ctx))
	defer func() { is.NoErr(d.Teardown(ctx)) }()

	n, err := d.Write(ctx, itemRecords(3))
	is.NoErr(err)
	is.Equal(n, 3)
	is.Equal(srv.RowCount(tableID), 3)
}

func TestOpenRejectsWrongToken(t *testing.T) {
	is := is.New(t)
	srv, _ := newServer(t)
	cfg := testConfig(srv)
	cfg.ServiceToken = testToken
	d := &Destination{config: cfg}

	err := d.Open(context.Background())
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), `get teicor app context for team "demo-team" and app "demo-app"`))
	is.True(strings.Contains(err.Error(), "401"))
	is.True(!strings.Contains(err.Error(), testToken)) // the token stays out of errors
}
