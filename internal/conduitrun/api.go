package conduitrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Pipeline statuses as Conduit's HTTP API (v0.14) reports them.
const (
	StatusRunning    = "STATUS_RUNNING"
	StatusStopped    = "STATUS_STOPPED"
	StatusDegraded   = "STATUS_DEGRADED"
	StatusRecovering = "STATUS_RECOVERING"
)

// pollInterval is the pause between two API requests while waiting.
const pollInterval = 100 * time.Millisecond

// ErrPipelineNotFound is returned by PipelineStatus when Conduit has no
// pipeline with the requested id.
var ErrPipelineNotFound = errors.New("pipeline not found")

// PipelineState is the state of one pipeline.
type PipelineState struct {
	// Status is one of the Status constants.
	Status string `json:"status"`
	// Error is the reason for a degraded pipeline.
	Error string `json:"error"`
}

var apiClient = &http.Client{Timeout: 10 * time.Second}

// PipelineStatus fetches the state of pipeline id from GET /v1/pipelines/{id}.
func (p *Process) PipelineStatus(ctx context.Context, id string) (PipelineState, error) {
	var body struct {
		State PipelineState `json:"state"`
	}
	status, err := p.getJSON(ctx, "/v1/pipelines/"+url.PathEscape(id), &body)
	if status == http.StatusNotFound {
		return PipelineState{}, fmt.Errorf("pipeline %q: %w", id, ErrPipelineNotFound)
	}
	if err != nil {
		return PipelineState{}, fmt.Errorf("failed to get status of pipeline %q: %w", id, err)
	}
	return body.State, nil
}

// WaitPipelineRunning polls pipeline id until it runs. It returns an error
// at once when the pipeline is degraded or Conduit exits, and when ctx ends
// or the start timeout passes.
func (p *Process) WaitPipelineRunning(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.StartTimeout)
	defer cancel()

	var last string
	for {
		if p.Exited() {
			return fmt.Errorf("conduit exited while waiting for pipeline %q: %w", id, p.waitErr)
		}

		state, err := p.PipelineStatus(ctx, id)
		switch {
		case err != nil:
			last = err.Error()
		case state.Status == StatusRunning:
			return nil
		case state.Status == StatusDegraded:
			return fmt.Errorf("pipeline %q is degraded: %s", id, state.Error)
		default:
			last = state.Status
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for pipeline %q to run, last status: %s", id, last)
		case <-time.After(pollInterval):
		}
	}
}

// ConnectorPlugin is the specification summary of a connector plugin that
// Conduit loaded.
type ConnectorPlugin struct {
	// Name is the full plugin name, for example
	// "standalone:teicor@v0.1.0" or "builtin:file@v0.10.3".
	Name    string `json:"name"`
	Version string `json:"version"`
	Author  string `json:"author"`
}

// ConnectorPlugins lists the connector plugins from GET
// /v1/connectors/plugins.
func (p *Process) ConnectorPlugins(ctx context.Context) ([]ConnectorPlugin, error) {
	var plugins []ConnectorPlugin
	if _, err := p.getJSON(ctx, "/v1/connectors/plugins", &plugins); err != nil {
		return nil, fmt.Errorf("failed to list connector plugins: %w", err)
	}
	return plugins, nil
}

// waitHealthy polls GET /healthz until it returns 200.
func (p *Process) waitHealthy(ctx context.Context) error {
	var lastErr error
	for {
		if p.Exited() {
			return fmt.Errorf("conduit exited before its API was ready: %w", p.waitErr)
		}

		status, err := p.getJSON(ctx, "/healthz", nil)
		if err == nil && status == http.StatusOK {
			return nil
		}
		lastErr = err

		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out, last error: %w", lastErr)
		case <-time.After(pollInterval):
		}
	}
}

// getJSON sends GET path to the HTTP API and decodes a 200 response into
// out when out is not nil. It returns the HTTP status code.
func (p *Process) getJSON(ctx context.Context, path string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.HTTPAddr+path, nil)
	if err != nil {
		return 0, fmt.Errorf("failed to build request: %w", err)
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("failed to read response of GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("GET %s returned %d: %s", path, resp.StatusCode, body)
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp.StatusCode, fmt.Errorf("failed to decode response of GET %s: %w", path, err)
	}
	return resp.StatusCode, nil
}
