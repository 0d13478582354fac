package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// destRecordCount is the number of records of the 50,000-record runs.
const destRecordCount = 50_000

// destWaitTimeout bounds the wait for a 50,000-record run to land.
const destWaitTimeout = 5 * time.Minute

// destTokenEnv is the variable through which pipeline files read the
// service token, so that the token never appears in them.
const destTokenEnv = "TEICOR_SERVICE_TOKEN"

// destWordColumns are the columns of the table that receives generated
// records: the generator's random word key and its three payload fields.
func destWordColumns() []teicortest.ColumnSpec {
	return []teicortest.ColumnSpec{
		{Name: "word", Type: "single_line_text", Config: map[string]any{"unique": true}},
		{Name: "n", Type: "number"},
		{Name: "flag", Type: "boolean"},
		{Name: "label", Type: "single_line_text"},
	}
}

// destGeneratorSettings configures the builtin generator to produce count
// creates and updates with a structured payload of n, flag and label. The
// generator v0.10.4 sets each record key to a random word from a list of
// 235,975 words, so keys repeat: 50,000 draws give an expected 4,950
// repeated keys.
func destGeneratorSettings(count int) string {
	return fmt.Sprintf(`        plugin: builtin:generator
        settings:
          recordCount: "%d"
          format.type: structured
          format.options.n: int
          format.options.flag: bool
          format.options.label: string
          operations: create,update`, count)
}

// destTeicorSettings configures the Teicor destination for table in
// schema with key column keyColumn, followed by the extra setting lines
// given as "name: value".
func destTeicorSettings(srv *teicortest.Server, schema, table, keyColumn string, extra ...string) string {
	settings := fmt.Sprintf(`        plugin: standalone:teicor
        settings:
          baseURL: %s
          teamSlug: %s
          appSlug: %s
          serviceToken: ${%s}
          schema: %s
          table: %s
          keyColumn: %s`,
		srv.URL, srv.TeamSlug, srv.AppSlug, destTokenEnv, schema, table, keyColumn)
	for _, line := range extra {
		settings += "\n          " + line
	}
	return settings
}

// destFileSettings configures the builtin file destination at path.
func destFileSettings(path string) string {
	return fmt.Sprintf(`        plugin: builtin:file
        settings:
          path: %s`, strconv.Quote(path))
}

// destOptions returns Conduit options that run pipelines with the plugin,
// the emulator's token in the environment and state in dataDir.
func destOptions(t testing.TB, srv *teicortest.Server, dataDir string, pipelines map[string]string) conduitrun.Options {
	t.Helper()
	conduitBin, connectorBin := conduitrun.Binaries(t)
	return conduitrun.Options{
		ConduitBin:   conduitBin,
		ConnectorBin: connectorBin,
		Pipelines:    pipelines,
		Env:          []string{destTokenEnv + "=" + srv.ServiceToken},
		DataDir:      dataDir,
	}
}

// destRawKey returns the text of a raw record key, which the file
// destination writes as base64.
func destRawKey(t testing.TB, rec conduitrun.FileRecord) string {
	t.Helper()
	encoded, ok := rec.Key.(string)
	if !ok {
		t.Fatalf("record key %#v is not a raw key", rec.Key)
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatalf("record key %q is not base64: %v", encoded, err)
	}
	return string(key)
}

// destLastByRawKey maps each raw key to the payload of the last record
// with that key, which is the value the key must end with in Teicor.
func destLastByRawKey(t testing.TB, records []conduitrun.FileRecord) map[string]map[string]any {
	t.Helper()
	last := make(map[string]map[string]any, len(records))
	for _, rec := range records {
		last[destRawKey(t, rec)] = rec.Payload.After
	}
	return last
}

// destTableDiff compares the table with want, which maps each key column
// value to the expected payload, on the given columns. It returns "" when
// every key is present exactly once with its expected values, and
// otherwise the count of differences and the first few of them.
func destTableDiff(srv *teicortest.Server, tableID, keyColumn string, columns []string,
	want map[string]map[string]any,
) string {
	var diffs []string
	seen := make(map[string]bool, len(want))
	for _, row := range srv.Rows(tableID) {
		key := fmt.Sprint(row.Values[keyColumn])
		switch {
		case seen[key]:
			diffs = append(diffs, fmt.Sprintf("key %q is present twice", key))
		case want[key] == nil:
			diffs = append(diffs, fmt.Sprintf("key %q was never sent", key))
		default:
			diffs = append(diffs, destValueDiffs(key, row.Values, want[key], columns)...)
		}
		seen[key] = true
	}
	for key := range want {
		if !seen[key] {
			diffs = append(diffs, fmt.Sprintf("key %q is missing", key))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	sort.Strings(diffs)
	return fmt.Sprintf("%d differences, first: %s", len(diffs), strings.Join(diffs[:min(5, len(diffs))], "; "))
}

func destValueDiffs(key string, stored, sent map[string]any, columns []string) []string {
	var diffs []string
	for _, column := range columns {
		if !destSameValue(sent[column], stored[column]) {
			diffs = append(diffs, fmt.Sprintf("key %q column %s is %#v, last sent %#v",
				key, column, stored[column], sent[column]))
		}
	}
	return diffs
}

// destSameValue compares a value from the file destination, with numbers
// as json.Number, with a value the emulator stores, with numbers as
// float64. Both sides parse the same decimal text, so equal numbers give
// the same float64.
func destSameValue(sent, stored any) bool {
	if number, ok := sent.(json.Number); ok {
		f, err := number.Float64()
		return err == nil && stored == f
	}
	return sent == stored
}

// destWaitTable polls the table until destTableDiff reports no difference,
// and fails the test with the last difference after destWaitTimeout.
func destWaitTable(t testing.TB, srv *teicortest.Server, tableID, keyColumn string, columns []string,
	want map[string]map[string]any,
) {
	t.Helper()
	deadline := time.Now().Add(destWaitTimeout)
	for {
		diff := destTableDiff(srv, tableID, keyColumn, columns, want)
		if diff == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s does not match the records sent after %s: %s", tableID, destWaitTimeout, diff)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// destWaitFileRecords polls the file destination's output until it
// contains at least n lines, fails the test after destWaitTimeout, and returns the
// parsed records. Polling counts lines only, because parsing 50,000
// records on every poll takes CPU from Conduit.
func destWaitFileRecords(t testing.TB, path string, n int) []conduitrun.FileRecord {
	t.Helper()
	deadline := time.Now().Add(destWaitTimeout)
	for {
		lines := destCountLines(t, path)
		if lines >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s contains %d records after %s, expected %d", path, lines, destWaitTimeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	records, err := conduitrun.ReadFileRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// destCountLines returns the number of complete lines in the file at
// path, 0 while it does not exist.
func destCountLines(t testing.TB, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatalf("read file destination output: %v", err)
	}
	return bytes.Count(data, []byte("\n"))
}

// destFanoutBatch are the SDK batch settings for a Teicor destination
// that shares a pipeline with another destination. Conduit v0.14.0 acks a
// record only when every destination has acked it, so only a few records
// are in flight per destination and a batch rarely fills. The batch delay
// then bounds the throughput. With this test on a 2-core machine, 50ms
// gave about 90 records/s and 1ms about 2,000.
var destFanoutBatch = []string{`sdk.batch.size: "500"`, "sdk.batch.delay: 1ms"}

// TestDestinationUpsertsRepeatedKeys sends 50,000 generated creates and
// updates, with repeating keys, to Teicor and to a file in the same
// pipeline, and checks that the table ends with each key once and the
// last value sent for it.
func TestDestinationUpsertsRepeatedKeys(t *testing.T) {
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("dest"))
	ref, err := srv.CreateTable("dest", "words", destWordColumns()...)
	is.NoErr(err)

	copyPath := filepath.Join(t.TempDir(), "sent.jsonl")
	pipeline := fmt.Sprintf(`version: "2.2"
pipelines:
  - id: dest-upsert
    status: running
    connectors:
      - id: generator
        type: source
%s
      - id: teicor
        type: destination
%s
      - id: copy
        type: destination
%s
`, destGeneratorSettings(destRecordCount), destTeicorSettings(srv, "dest", "words", "word", destFanoutBatch...),
		destFileSettings(copyPath))

	c := conduitrun.Start(t, destOptions(t, srv, t.TempDir(), map[string]string{"dest.yaml": pipeline}))
	c.WaitPipelineRunning("dest-upsert")

	sent := destWaitFileRecords(t, copyPath, destRecordCount)
	is.Equal(len(sent), destRecordCount) // the generator stops at recordCount
	want := destLastByRawKey(t, sent)
	updates := len(sent) - len(want)
	t.Logf("%d records for %d distinct keys: %d repeat a key", len(sent), len(want), updates)
	is.True(updates > 1000) // keys repeat, so updates overwrite earlier values

	destWaitTable(t, srv, ref.ID, "word", []string{"n", "flag", "label"}, want)
	is.Equal(srv.RowCount(ref.ID), len(want)) // one record per key
	c.Stop()
}
