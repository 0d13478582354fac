package teicor

import (
	"context"
	"net/http"
	"time"
)

// CoreState is the app-scoped state that Teicor stores for one app
// installation.
type CoreState struct {
	// State is the stored JSON object. Numbers are json.Number.
	State map[string]any `json:"state"`
	// UpdatedAt is when the state last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

type coreStatePatch struct {
	State map[string]any `json:"state"`
}

// GetCoreState returns the core state (get_core_state).
func (c *Client) GetCoreState(ctx context.Context) (*CoreState, error) {
	var out CoreState
	req := request{op: opGetCoreState, method: http.MethodGet, api: apiCore, path: pathCoreState, idempotent: true}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	if out.State == nil {
		out.State = map[string]any{}
	}
	return &out, nil
}

// PatchCoreState merges patch into the core state as a JSON merge patch
// (RFC 7396) and returns the merged state (patch_core_state). A key set to
// nil is removed, and nested objects are merged key by key.
func (c *Client) PatchCoreState(ctx context.Context, patch map[string]any) (*CoreState, error) {
	if patch == nil {
		patch = map[string]any{}
	}
	var out CoreState
	req := request{
		op: opPatchCoreState, method: http.MethodPatch, api: apiCore, path: pathCoreState,
		body: coreStatePatch{State: patch}, idempotent: true,
	}
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	if out.State == nil {
		out.State = map[string]any{}
	}
	return &out, nil
}
