package teicor

import (
	"fmt"
	"time"
)

// Core state keys of the sync loops, the same as the Python SDK's.
const (
	// StateLastSyncAt is the max updated_at of the queries seen by the last
	// query sync, as an RFC 3339 string.
	StateLastSyncAt = "last_sync_at"
	// StateQueryWatermarks maps query id to its last processed watermark.
	StateQueryWatermarks = "query_watermarks"
	// StateTablesLastSyncAt is the max updated_at of the tables seen by the
	// last table sync, as an RFC 3339 string.
	StateTablesLastSyncAt = "tables_last_sync_at"
	// StateTableWatermarks maps table id to its last processed watermark.
	StateTableWatermarks = "table_watermarks"
)

// stateTime reads an RFC 3339 timestamp from the core state. An absent,
// null or empty value is the zero time.
func stateTime(state map[string]any, key string) (time.Time, error) {
	raw, ok := state[key]
	if !ok || raw == nil {
		return time.Time{}, nil
	}
	s, ok := raw.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("invalid core state key %q: got %T, expected an RFC 3339 string. Remove the key to sync from the start", key, raw)
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid core state key %q value %q: expected an RFC 3339 timestamp. Remove the key to sync from the start", key, s)
	}
	return t, nil
}

// stateWatermarks reads a map of id to watermark from the core state.
// Entries that are not strings are ignored, so that the next sync treats
// their ids as new.
func stateWatermarks(state map[string]any, key string) map[string]string {
	out := map[string]string{}
	raw, _ := state[key].(map[string]any)
	for id, v := range raw {
		if s, ok := v.(string); ok && s != "" {
			out[id] = s
		}
	}
	return out
}

// watermarkPatch builds the core state patch of changed watermarks.
func watermarkPatch(changed map[string]string) map[string]any {
	out := make(map[string]any, len(changed))
	for id, w := range changed {
		out[id] = w
	}
	return out
}
