package teicor

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DefaultBulkCheckpointKey is the core state key of a bulk checkpoint when
// the key passed in is empty.
const DefaultBulkCheckpointKey = "bulk_sync_checkpoint"

// checkpointField is the field of the stored checkpoint object that holds
// the index of the next chunk to send.
const checkpointField = "next_chunk_index"

func checkpointKey(key string) string {
	if key == "" {
		return DefaultBulkCheckpointKey
	}
	return key
}

// GetBulkCheckpoint reads the bulk checkpoint stored under key in the core
// state: the index of the next chunk to send. ok is false when none is
// stored.
func (c *Client) GetBulkCheckpoint(ctx context.Context, key string) (next int, ok bool, err error) {
	key = checkpointKey(key)
	state, err := c.GetCoreState(ctx)
	if err != nil {
		return 0, false, err
	}
	raw, found := state.State[key]
	if !found || raw == nil {
		return 0, false, nil
	}
	next, err = ParseBulkCheckpoint(raw)
	if err != nil {
		return 0, false, fmt.Errorf("teicor: bulk checkpoint %q: %w. Clear it with ClearBulkCheckpoint to start from chunk 0", key, err)
	}
	return next, true, nil
}

// SaveBulkCheckpoint stores next, the index of the next chunk to send,
// under key in the core state as {"next_chunk_index": next}.
func (c *Client) SaveBulkCheckpoint(ctx context.Context, key string, next int) error {
	if next < 0 {
		return fmt.Errorf("teicor: save bulk checkpoint: invalid chunk index %d: must be 0 or more", next)
	}
	patch := map[string]any{checkpointKey(key): map[string]any{checkpointField: next}}
	_, err := c.PatchCoreState(ctx, patch)
	return err
}

// ClearBulkCheckpoint removes the bulk checkpoint stored under key.
func (c *Client) ClearBulkCheckpoint(ctx context.Context, key string) error {
	_, err := c.PatchCoreState(ctx, map[string]any{checkpointKey(key): nil})
	return err
}

// ParseBulkCheckpoint reads a next chunk index from a core state value: an
// object with next_chunk_index, a number, or a string of digits. nil means
// 0, the start.
func ParseBulkCheckpoint(v any) (int, error) {
	switch value := v.(type) {
	case nil:
		return 0, nil
	case map[string]any:
		inner, ok := value[checkpointField]
		if !ok {
			return 0, fmt.Errorf("invalid bulk checkpoint: object has no %s field", checkpointField)
		}
		return ParseBulkCheckpoint(inner)
	case json.Number:
		return parseCheckpointString(value.String())
	case string:
		return parseCheckpointString(value)
	case float64:
		if value != math.Trunc(value) || value < 0 || value > math.MaxInt32 {
			return 0, fmt.Errorf("invalid bulk checkpoint %v: must be a whole number of 0 or more", value)
		}
		return int(value), nil
	case int:
		return checkNonNegative(value)
	case int64:
		return checkNonNegative(int(value))
	}
	return 0, fmt.Errorf("invalid bulk checkpoint of type %T: expected an object with %s or a number", v, checkpointField)
}

func parseCheckpointString(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid bulk checkpoint %q: must be a whole number of 0 or more", s)
	}
	return checkNonNegative(n)
}

func checkNonNegative(n int) (int, error) {
	if n < 0 {
		return 0, fmt.Errorf("invalid bulk checkpoint %d: must be 0 or more", n)
	}
	return n, nil
}
