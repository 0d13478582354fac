package teicortest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

func (s *Server) getContext(*http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{
		"team_slug":   s.TeamSlug,
		"app_slug":    s.AppSlug,
		"runtime_url": s.RuntimeURL,
		"auth_url":    s.AuthURL,
	}, nil
}

func (s *Server) getCoreState(*http.Request) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return http.StatusOK, s.coreStateView(s.data.coreState), nil
}

func (s *Server) coreStateView(state map[string]any) map[string]any {
	return map[string]any{
		"state":      state,
		"updated_at": formatTimePtr(s.data.coreUpdatedAt),
	}
}

// patchCoreState applies a JSON merge patch (RFC 7396) to the core state.
// A merged state above the size limit is a 413 and is not stored.
func (s *Server) patchCoreState(r *http.Request) (int, any, error) {
	var req struct {
		State json.RawMessage `json:"state"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	var patch map[string]any
	if err := json.Unmarshal(req.State, &patch); err != nil || patch == nil {
		return 0, nil, errBadRequest("invalid \"state\": expected a JSON object to merge into the core state")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	merged, _ := mergePatch(s.data.coreState, patch).(map[string]any)
	size, err := jsonSize(merged)
	if err != nil {
		return 0, nil, err
	}
	if size > s.cfg.limits.MaxCoreStateBytes {
		return 0, nil, errTooLarge("core state would be %d bytes, the maximum is %d: store less state", size, s.cfg.limits.MaxCoreStateBytes)
	}
	s.data.coreState = merged
	s.data.coreUpdatedAt = s.clock.Now()
	return http.StatusOK, s.coreStateView(merged), nil
}

func jsonSize(v any) (int, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	return len(raw), nil
}

// mergePatch returns target with patch applied as in RFC 7396: an object
// patch merges key by key and removes keys set to null, and any other
// patch replaces the target. Neither input is modified.
func mergePatch(target, patch any) any {
	patchObj, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	targetObj, ok := target.(map[string]any)
	out := make(map[string]any, len(targetObj)+len(patchObj))
	if ok {
		for k, v := range targetObj {
			out[k] = v
		}
	}
	for k, v := range patchObj {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}

// CoreState returns a deep copy of the core state, decoded like a
// response body: numbers are float64.
func (s *Server) CoreState() map[string]any {
	s.mu.RLock()
	raw, err := json.Marshal(s.data.coreState)
	s.mu.RUnlock()
	copied := map[string]any{}
	if err == nil {
		err = json.Unmarshal(raw, &copied)
	}
	if err != nil {
		// The state was decoded from JSON, so it always encodes again.
		panic(fmt.Sprintf("teicortest: copy core state: %v", err))
	}
	return copied
}
