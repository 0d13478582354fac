package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// tokenEnv carries the service token to Conduit, so that pipeline files
// name it as ${TEICOR_SERVICE_TOKEN} instead of containing it.
const tokenEnv = "TEICOR_SERVICE_TOKEN"

// deliveryTimeout bounds the wait for records to arrive. It is generous
// because Conduit, the plugin and the emulator run beside other tests that
// are built with -race.
const deliveryTimeout = 2 * time.Minute

// startConduit runs Conduit with the plugin, the given pipelines and the
// emulator's service token in its environment. Pipeline restarts are off,
// so that a connector error turns the pipeline degraded and waitFor fails
// at once with that error.
func startConduit(t *testing.T, srv *teicortest.Server, pipelines map[string]string) *conduitrun.Conduit {
	t.Helper()
	conduitBin, connectorBin := conduitrun.Binaries(t)
	return conduitrun.Start(t, conduitrun.Options{
		ConduitBin:   conduitBin,
		ConnectorBin: connectorBin,
		Pipelines:    pipelines,
		Env:          []string{tokenEnv + "=" + srv.ServiceToken},
		Args:         []string{"--pipelines.error-recovery.max-retries=0"},
	})
}

// connectionSettings returns the YAML settings lines, indented for a
// connector, that point the plugin at srv.
func connectionSettings(srv *teicortest.Server) string {
	return fmt.Sprintf(`          baseURL: %s
          teamSlug: %s
          appSlug: %s
          serviceToken: ${%s}
`, strconv.Quote(srv.URL), strconv.Quote(srv.TeamSlug), strconv.Quote(srv.AppSlug), tokenEnv)
}

// waitFor polls check until it returns true or deliveryTimeout passes, and
// reports whether check succeeded. It fails the test at once when pipeline
// pipelineID is degraded.
func waitFor(t *testing.T, c *conduitrun.Conduit, pipelineID string, check func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(deliveryTimeout)
	for {
		if check() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}

		state, err := c.Process.PipelineStatus(context.Background(), pipelineID)
		if err == nil && state.Status == conduitrun.StatusDegraded {
			t.Fatalf("pipeline %s is degraded: %s; the conduit log below has the cause", pipelineID, state.Error)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// sameValue reports whether a value delivered through Conduit equals the
// value the emulator stores, after both pass through JSON. Numbers compare
// by value, so 24.5 equals 24.50. A JSON column arrives as JSON text and is
// compared after decoding.
//
// NOTE: the emulator's Rows returns numbers as float64, so an integer
// above 2^53 comes back rounded. Against a float64 the delivered number is
// rounded the same way before comparing.
func sameValue(delivered, stored any) bool {
	if f, ok := stored.(float64); ok {
		number, isNumber := normalize(delivered).(json.Number)
		if !isNumber {
			return false
		}
		g, err := number.Float64()
		return err == nil && f == g
	}

	d, s := normalize(delivered), normalize(stored)
	if text, ok := d.(string); ok {
		if _, isText := s.(string); !isText && s != nil {
			d = normalize(json.RawMessage(text))
		}
	}
	return equalJSON(d, s)
}

// normalize turns v into the JSON data model: nil, bool, string,
// json.Number, []any and map[string]any.
func normalize(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var out any
	if err := decoder.Decode(&out); err != nil {
		return fmt.Sprintf("undecodable %s: %v", raw, err)
	}
	return out
}

func equalJSON(a, b any) bool {
	switch av := a.(type) {
	case json.Number:
		bv, ok := b.(json.Number)
		return ok && equalNumbers(av, bv)
	case string:
		bv, ok := b.(string)
		return ok && (av == bv || equalTimes(av, bv))
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalJSON(av[i], bv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			if !equalJSON(v, bv[k]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func equalNumbers(a, b json.Number) bool {
	ra, okA := new(big.Rat).SetString(a.String())
	rb, okB := new(big.Rat).SetString(b.String())
	return okA && okB && ra.Cmp(rb) == 0
}

// equalTimes accepts two RFC 3339 texts of the same instant, because the
// source emits datetimes with Go's time format and the emulator keeps the
// text it received.
func equalTimes(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}
