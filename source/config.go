package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/config"
	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Config is the source configuration.
type Config struct {
	sdk.DefaultSourceMiddleware
	config.Config

	// Tables lists the tables to read, by id, by name or as schema.name,
	// separated by commas. "*" reads every table the app can see. An empty
	// value reads no tables.
	Tables []string `json:"tables" default:"*"`
	// Queries lists the saved queries to read, by id or by name, separated
	// by commas. "*" reads every query that includeAllQueries selects. An
	// empty value reads no queries.
	Queries []string `json:"queries"`
	// IncludeAllQueries makes "*" in queries select every query the team
	// can see instead of only the queries this app installation created.
	IncludeAllQueries bool `json:"includeAllQueries" default:"false"`
	// QueryGroupID limits the queries to one query group.
	QueryGroupID string `json:"queryGroupID"`
	// PollInterval is the wait between two polls of the definition gate.
	PollInterval time.Duration `json:"pollInterval" default:"5s"`
	// PageSize is the number of table rows fetched per request, at most 1000.
	PageSize int `json:"pageSize" default:"1000"`
	// FullCheckEvery runs the data gate for every selected table and query
	// on every Nth poll, even when the definition gate returned nothing. It
	// is a safety net against missed changes. 0 turns it off.
	FullCheckEvery int `json:"fullCheckEvery" default:"0"`
}

// Validate checks the settings that struct tags cannot express.
func (c *Config) Validate(ctx context.Context) error {
	var errs []error
	if err := c.DefaultSourceMiddleware.Validate(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := c.Config.Validate(ctx); err != nil {
		errs = append(errs, err)
	}
	if c.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("invalid pollInterval %q: must be greater than 0, for example 5s", c.PollInterval))
	}
	if c.PageSize < 1 || c.PageSize > teicor.MaxPageSize {
		errs = append(errs, fmt.Errorf("invalid pageSize %d: must be between 1 and %d", c.PageSize, teicor.MaxPageSize))
	}
	if c.FullCheckEvery < 0 {
		errs = append(errs, fmt.Errorf("invalid fullCheckEvery %d: must be 0 (off) or a number of polls", c.FullCheckEvery))
	}
	c.Tables = cleanList(c.Tables)
	c.Queries = cleanList(c.Queries)
	if len(c.Tables) == 0 && len(c.Queries) == 0 {
		errs = append(errs, errors.New(`missing tables and queries: set tables (for example "*") or queries`))
	}
	return errors.Join(errs...)
}

// cleanList trims the entries of a comma-separated setting and drops empty
// ones.
func cleanList(items []string) []string {
	var out []string
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// fingerprint identifies the workspace and the selection, so that a
// position written for another Teicor app installation or another
// selection is recognised.
func (c *Config) fingerprint() string {
	tables := slices.Sorted(slices.Values(c.Tables))
	queries := slices.Sorted(slices.Values(c.Queries))
	key := fmt.Sprintf("u=%s;team=%s;app=%s;t=%s;q=%s;all=%t;g=%s",
		strings.TrimRight(c.BaseURL, "/"), c.TeamSlug, c.AppSlug,
		strings.Join(tables, ","), strings.Join(queries, ","), c.IncludeAllQueries, c.QueryGroupID)
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}
