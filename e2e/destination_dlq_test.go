package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// destContactColumns are the columns of the table that the DLQ test
// writes: the file source's line number as key and an email column that
// Teicor validates.
func destContactColumns() []teicortest.ColumnSpec {
	return []teicortest.ColumnSpec{
		{Name: "line", Type: "single_line_text", Config: map[string]any{"unique": true}},
		{Name: "email", Type: "email"},
		{Name: "qty", Type: "number"},
	}
}

// destWriteContacts writes n JSON lines for the file source. Line poison
// (1-based) has an email that Teicor rejects with 422, which the
// destination passes on because email columns take any text.
func destWriteContacts(t *testing.T, path string, n, poison int) {
	t.Helper()
	var b strings.Builder
	for line := 1; line <= n; line++ {
		email := fmt.Sprintf("user%d@example.com", line)
		if line == poison {
			email = "not an email"
		}
		fmt.Fprintf(&b, `{"email":%q,"qty":%d}`+"\n", email, line)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("write source file: %v", err)
	}
}

// destDLQPipeline returns a pipeline that reads input with the builtin
// file source and writes it to the Teicor table dest.contacts, with a file
// DLQ at dlqPath that tolerates up to threshold nacks in a window of 100
// records. extra adds Teicor destination settings.
func destDLQPipeline(srv *teicortest.Server, input, dlqPath string, threshold int, extra ...string) string {
	return fmt.Sprintf(`version: "2.2"
pipelines:
  - id: dest-dlq
    status: running
    connectors:
      - id: contacts
        type: source
        plugin: builtin:file
        settings:
          path: %s
      - id: teicor
        type: destination
%s
    dead-letter-queue:
      plugin: builtin:file
      settings:
        path: %s
      window-size: 100
      window-nack-threshold: %d
`, strconv.Quote(input), destTeicorSettings(srv, "dest", "contacts", "line", extra...),
		strconv.Quote(dlqPath), threshold)
}

// destWantContacts returns the contacts that destWriteContacts wrote for
// lines 1 to n, except the lines in skip.
func destWantContacts(n int, skip func(line int) bool) map[string]map[string]any {
	want := make(map[string]map[string]any, n)
	for line := 1; line <= n; line++ {
		if !skip(line) {
			want[strconv.Itoa(line)] = map[string]any{
				"email": fmt.Sprintf("user%d@example.com", line),
				"qty":   json.Number(strconv.Itoa(line)),
			}
		}
	}
	return want
}

// TestDestinationPoisonRecordToDLQ reads 1,000 JSON lines with the
// builtin file source, one of them with a value Teicor rejects with 422.
// The dead letter queue takes that record with the error, and the
// pipeline keeps running and writes the other 999 to Teicor.
func TestDestinationPoisonRecordToDLQ(t *testing.T) {
	const lines, poison = 1000, 500
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("dest"))
	ref, err := srv.CreateTable("dest", "contacts", destContactColumns()...)
	is.NoErr(err)

	dir := t.TempDir()
	input := filepath.Join(dir, "contacts.jsonl")
	dlqPath := filepath.Join(dir, "dlq.jsonl")
	destWriteContacts(t, input, lines, poison)

	// No SDK batching, because SDK v0.14.2 nacks every record of a batch
	// from the first failed one on. TestDestinationPoisonInBatch shows it.
	pipeline := destDLQPipeline(srv, input, dlqPath, 1)
	c := conduitrun.Start(t, destOptions(t, srv, t.TempDir(), map[string]string{"dlq.yaml": pipeline}))
	c.WaitPipelineRunning("dest-dlq")

	want := destWantContacts(lines, func(line int) bool { return line == poison })
	destWaitTable(t, srv, ref.ID, "line", []string{"email", "qty"}, want)

	dlq := destWaitFileRecords(t, dlqPath, 1)
	is.Equal(len(dlq), 1) // only the poison record is in the DLQ
	reason := dlq[0].Metadata["conduit.dlq.nack.error"]
	t.Logf("DLQ reason: %s", reason)
	is.True(strings.Contains(reason, `invalid email address "not an email"`))      // Teicor's reason
	is.True(strings.Contains(reason, "422"))                                       // the HTTP status
	is.True(strings.Contains(reason, fmt.Sprintf("key %q", strconv.Itoa(poison)))) // the rejected key
	is.Equal(dlq[0].Metadata["conduit.dlq.nack.node.id"], "dest-dlq:teicor-acker") // the node that nacked

	// Conduit stores the failed record as the DLQ record's payload, with
	// raw data as base64.
	failed := dlq[0].Payload.After
	is.Equal(failed["key"], base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(poison)))) // the poison record's key
	payload, ok := failed["payload"].(map[string]any)
	is.True(ok) // the failed record has a payload
	is.Equal(payload["after"], base64.StdEncoding.EncodeToString(
		[]byte(fmt.Sprintf(`{"email":"not an email","qty":%d}`, poison)))) // the poison line

	state := c.PipelineStatus("dest-dlq")
	is.Equal(state.Status, conduitrun.StatusRunning) // one nack stays under the DLQ threshold
	c.Stop()
}

// TestDestinationPoisonInBatch shows a limit of SDK v0.14.2 batching:
// when Write fails at a record, the SDK nacks that record and every later
// record of the batch with the same error. Valid records that follow the
// poison record in its SDK batch therefore land in the DLQ, not in Teicor.
func TestDestinationPoisonInBatch(t *testing.T) {
	// 1,050 lines leave a last batch of 50 that the delay flushes. A last
	// batch that fills up makes a graceful stop wait a minute in SDK
	// v0.14.2.
	const lines, poison = 1050, 450
	is := is.New(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("dest"))
	ref, err := srv.CreateTable("dest", "contacts", destContactColumns()...)
	is.NoErr(err)

	dir := t.TempDir()
	input := filepath.Join(dir, "contacts.jsonl")
	dlqPath := filepath.Join(dir, "dlq.jsonl")
	destWriteContacts(t, input, lines, poison)

	pipeline := destDLQPipeline(srv, input, dlqPath, 99, `sdk.batch.size: "100"`, "sdk.batch.delay: 200ms")
	c := conduitrun.Start(t, destOptions(t, srv, t.TempDir(), map[string]string{"dlq.yaml": pipeline}))
	c.WaitPipelineRunning("dest-dlq")

	// Every line lands either in Teicor or in the DLQ, so wait for both
	// to add up to all lines.
	deadline := time.Now().Add(destWaitTimeout)
	for srv.RowCount(ref.ID)+destCountLines(t, dlqPath) < lines {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows and %d DLQ records after %s, expected %d in total",
				srv.RowCount(ref.ID), destCountLines(t, dlqPath), destWaitTimeout, lines)
		}
		time.Sleep(100 * time.Millisecond)
	}

	records, err := conduitrun.ReadFileRecords(dlqPath)
	is.NoErr(err)
	dead := map[int]bool{}
	for _, rec := range records {
		key, err := base64.StdEncoding.DecodeString(fmt.Sprint(rec.Payload.After["key"]))
		is.NoErr(err)
		line, err := strconv.Atoi(string(key))
		is.NoErr(err)
		dead[line] = true
		reason := rec.Metadata["conduit.dlq.nack.error"]
		is.True(strings.Contains(reason, fmt.Sprintf("key %q", strconv.Itoa(poison)))) // every nack names the poison record
	}
	t.Logf("%d records in the DLQ for one poison record", len(dead))
	is.True(dead[poison])    // the poison record is in the DLQ
	is.True(dead[poison+1])  // so is the valid record after it in the same batch
	is.True(!dead[poison-1]) // the valid record before it landed

	want := destWantContacts(lines, func(line int) bool { return dead[line] })
	destWaitTable(t, srv, ref.ID, "line", []string{"email", "qty"}, want)
	c.Stop()
}
