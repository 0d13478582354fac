package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
)

// pollInterval is the pause between two reads of the output file.
const pollInterval = 250 * time.Millisecond

// metadataSchema is the record metadata key in which the source stores the
// schema name.
const metadataSchema = "teicor.schema"

// waitForRows polls the output file until every table has its expected
// number of distinct rows or timeout passes, and returns the last counts
// keyed by "schema.table". Only a failed read, a degraded pipeline, an
// exited Conduit or an interrupt returns an error.
func waitForRows(ctx context.Context, conduit *conduitrun.Process, outPath string,
	want map[string]int, timeout time.Duration,
) (map[string]int, error) {
	if err := conduit.WaitPipelineRunning(ctx, pipelineID); err != nil {
		return nil, err
	}

	deadline := time.Now().Add(timeout)
	for {
		records, err := conduitrun.ReadFileRecords(outPath)
		if err != nil {
			return nil, err
		}
		got := countRows(records)
		if equalCounts(got, want) || time.Now().After(deadline) {
			return got, nil
		}
		if conduit.Exited() {
			return nil, fmt.Errorf("conduit exited before every row arrived: %w", conduit.ExitError())
		}
		state, err := conduit.PipelineStatus(ctx, pipelineID)
		if err == nil && state.Status == conduitrun.StatusDegraded {
			return nil, fmt.Errorf("pipeline %s is degraded: %s", pipelineID, state.Error)
		}

		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("interrupted while waiting for rows: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// countRows counts distinct row ids per "schema.table", so that a row
// delivered twice counts once.
func countRows(records []conduitrun.FileRecord) map[string]int {
	seen := map[string]map[any]bool{}
	for _, rec := range records {
		table := rec.Metadata[metadataSchema] + "." + rec.Collection()
		if seen[table] == nil {
			seen[table] = map[any]bool{}
		}
		seen[table][rec.KeyField("id")] = true
	}

	counts := make(map[string]int, len(seen))
	for table, ids := range seen {
		counts[table] = len(ids)
	}
	return counts
}

func equalCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for table, n := range want {
		if got[table] != n {
			return false
		}
	}
	return true
}

// printCounts writes one line per table, including tables that only one of
// the maps has, and reports whether any count differs.
func printCounts(out io.Writer, want, got map[string]int) bool {
	tables := make([]string, 0, len(want))
	for table := range want {
		tables = append(tables, table)
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			tables = append(tables, table)
		}
	}
	slices.Sort(tables)

	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "table\tseeded\tdelivered\tresult\t")
	mismatch := false
	for _, table := range tables {
		result := "ok"
		if want[table] != got[table] {
			result = "MISMATCH"
			mismatch = true
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t\n", table, want[table], got[table], result)
	}
	_ = w.Flush()
	return mismatch
}
