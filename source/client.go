package source

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/config"
	"github.com/teicor/conduit-connector-teicor/teicor"
)

// newClient builds a client that logs its retries and checks the
// connection and the service token with one context request.
func newClient(ctx context.Context, cfg *config.Config) (*teicor.Client, error) {
	opts := cfg.ClientOptions()
	opts.OnRetry = logRetry
	client, err := teicor.New(opts)
	if err != nil {
		return nil, fmt.Errorf("create teicor client: %w", err)
	}
	if _, err := client.GetContext(ctx); err != nil {
		return nil, connectError(cfg, err)
	}
	return client, nil
}

func connectError(cfg *config.Config, err error) error {
	hint := "check baseURL and that Teicor is reachable"
	switch {
	case errors.Is(err, teicor.ErrUnauthorized), errors.Is(err, teicor.ErrForbidden):
		hint = "check serviceToken and appSlug"
	case errors.Is(err, teicor.ErrNotFound):
		hint = "check teamSlug and appSlug"
	}
	return fmt.Errorf("connect to Teicor at %s (team %q, app %q): %w; %s",
		cfg.BaseURL, cfg.TeamSlug, cfg.AppSlug, err, hint)
}

func logRetry(ctx context.Context, info teicor.RetryInfo) {
	sdk.Logger(ctx).Warn().
		Err(info.Err).
		Str("operation", info.Operation).
		Int("attempt", info.Attempt).
		Dur("wait", info.Wait).
		Msg("retrying teicor request")
}
