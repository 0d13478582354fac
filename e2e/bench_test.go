package e2e

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// benchRecordCount is the number of records each benchmarked pipeline
// moves.
const benchRecordCount = 50_000

// benchPollInterval is the pause between two counts of the records that
// arrived at a destination.
const benchPollInterval = 20 * time.Millisecond

// benchGeneratorSource is a generator source that produces
// benchRecordCount creates with the payload of destGeneratorSettings.
// The processor replaces the random word key with the generator's
// position, a counter, so that every record gets its own key and the
// Teicor table ends with one record per generated record.
func benchGeneratorSource() string {
	return fmt.Sprintf(`    processors:
      - id: unique-key
        plugin: field.set
        settings:
          field: .Key
          value: '{{ printf "%%s" .Position }}'
    connectors:
      - id: generator
        type: source
        plugin: builtin:generator
        settings:
          recordCount: "%d"
          format.type: structured
          format.options.n: int
          format.options.flag: bool
          format.options.label: string
          operations: create`, benchRecordCount)
}

// benchPipeline returns a stopped pipeline with the given connectors
// block, which starts with the source, and one destination.
func benchPipeline(id, source, destination string) string {
	return fmt.Sprintf(`  - id: %s
    status: stopped
%s
      - id: destination
        type: destination
%s
`, id, source, destination)
}

// benchStartPipeline starts a stopped pipeline through Conduit's HTTP API.
func benchStartPipeline(b *testing.B, c *conduitrun.Conduit, id string) {
	b.Helper()
	url := "http://" + c.HTTPAddr + "/v1/pipelines/" + id + "/start"
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader("{}"))
	if err != nil {
		b.Fatalf("build start request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("failed to start pipeline %s: %v", id, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("failed to start pipeline %s: POST %s returned %d", id, url, resp.StatusCode)
	}
}

// benchRun starts pipeline id and returns the seconds until count reports
// benchRecordCount records at its destination. It fails the benchmark
// after destWaitTimeout.
func benchRun(b *testing.B, c *conduitrun.Conduit, id string, count func() int) float64 {
	b.Helper()
	start := time.Now()
	benchStartPipeline(b, c, id)
	for {
		if count() >= benchRecordCount {
			return time.Since(start).Seconds()
		}
		if time.Since(start) > destWaitTimeout {
			b.Fatalf("pipeline %s delivered %d of %d records in %s; pipeline state %+v",
				id, count(), benchRecordCount, destWaitTimeout, c.PipelineStatus(id))
		}
		time.Sleep(benchPollInterval)
	}
}

// benchRates runs the two pipelines one after the other in each iteration
// and reports the records/s of each, and first divided by second, as
// averages over the iterations. setup starts Conduit and returns the two
// pipeline ids and their counters.
func benchRates(b *testing.B, names [2]string,
	setup func(b *testing.B) (*conduitrun.Conduit, [2]string, [2]func() int),
) {
	var total [2]float64
	for range b.N {
		b.StopTimer()
		c, ids, counts := setup(b)
		b.StartTimer()
		var rates [2]float64
		for i := range ids {
			rates[i] = benchRecordCount / benchRun(b, c, ids[i], counts[i])
			total[i] += rates[i]
		}
		b.StopTimer()
		b.Logf("%s %.0f records/s, %s %.0f records/s", names[0], rates[0], names[1], rates[1])
		// NOTE: Kill, not Stop, because a graceful stop can take a minute:
		// when the last SDK batch filled up and was written at once, SDK
		// v0.14.2 waits its full 1-minute stop timeout for a flush result
		// that never comes.
		c.Kill()
		b.StartTimer()
	}
	first, second := total[0]/float64(b.N), total[1]/float64(b.N)
	b.ReportMetric(first, names[0]+"-rec/s")
	b.ReportMetric(second, names[1]+"-rec/s")
	b.ReportMetric(first/second, "ratio")
	// An op is a Conduit start plus two runs, so the records/s metrics
	// replace ns/op, and 0 hides it.
	b.ReportMetric(0, "ns/op")
}

// BenchmarkGeneratorToTeicorVsFile moves 50,000 generated records through
// Conduit into the Teicor destination and, in the same iteration, into
// the builtin file destination. It reports records/s from pipeline start
// until the last record has arrived, and the Teicor rate divided by the
// file rate.
func BenchmarkGeneratorToTeicorVsFile(b *testing.B) {
	benchRates(b, [2]string{"teicor", "file"}, func(b *testing.B) (*conduitrun.Conduit, [2]string, [2]func() int) {
		srv := teicortest.NewServer()
		b.Cleanup(srv.Close)
		if err := srv.CreateSchema("dest"); err != nil {
			b.Fatal(err)
		}
		ref, err := srv.CreateTable("dest", "words", destWordColumns()...)
		if err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(b.TempDir(), "out.jsonl")
		pipelines := "version: \"2.2\"\npipelines:\n" +
			benchPipeline("bench-teicor", benchGeneratorSource(), destTeicorSettings(srv, "dest", "words", "word",
				`sdk.batch.size: "500"`, "sdk.batch.delay: 50ms")) +
			benchPipeline("bench-file", benchGeneratorSource(), destFileSettings(out))
		c := conduitrun.Start(b, destOptions(b, srv, b.TempDir(), map[string]string{"bench.yaml": pipelines}))
		return c, [2]string{"bench-teicor", "bench-file"}, [2]func() int{
			func() int { return srv.RowCount(ref.ID) },
			func() int { return destCountLines(b, out) },
		}
	})
}

// BenchmarkTeicorSourceVsGenerator moves a Teicor table of 50,000 rows
// through Conduit into the builtin file destination and, in the same
// iteration, 50,000 generated records into another file. It reports
// records/s of each from pipeline start until the last record is in the
// file, and the Teicor rate divided by the generator rate. The Teicor
// time includes the start of the plugin process, which the builtin
// generator does not need.
func BenchmarkTeicorSourceVsGenerator(b *testing.B) {
	benchRates(b, [2]string{"teicor", "generator"}, func(b *testing.B) (*conduitrun.Conduit, [2]string, [2]func() int) {
		srv := teicortest.NewServer()
		b.Cleanup(srv.Close)
		if err := srv.CreateSchema("shop"); err != nil {
			b.Fatal(err)
		}
		ref, err := srv.CreateTable("shop", "items", itemColumns()...)
		if err != nil {
			b.Fatal(err)
		}
		benchInsertItems(b, srv, ref.ID)

		dir := b.TempDir()
		teicorOut := filepath.Join(dir, "teicor.jsonl")
		generatorOut := filepath.Join(dir, "generator.jsonl")
		teicorSource := fmt.Sprintf(`    connectors:
      - id: teicor
        type: source
        plugin: standalone:teicor
        settings:
          baseURL: %s
          teamSlug: %s
          appSlug: %s
          serviceToken: ${%s}
          tables: shop.items
          pollInterval: 200ms`, srv.URL, srv.TeamSlug, srv.AppSlug, destTokenEnv)
		pipelines := "version: \"2.2\"\npipelines:\n" +
			benchPipeline("bench-teicor", teicorSource, destFileSettings(teicorOut)) +
			benchPipeline("bench-generator", benchGeneratorSource(), destFileSettings(generatorOut))
		c := conduitrun.Start(b, destOptions(b, srv, b.TempDir(), map[string]string{"bench.yaml": pipelines}))
		return c, [2]string{"bench-teicor", "bench-generator"}, [2]func() int{
			func() int { return destCountLines(b, teicorOut) },
			func() int { return destCountLines(b, generatorOut) },
		}
	})
}

// benchInsertItems fills the table with benchRecordCount item rows in
// requests of 500.
func benchInsertItems(b *testing.B, srv *teicortest.Server, tableID string) {
	b.Helper()
	for start := 0; start < benchRecordCount; start += 500 {
		rows := make([]map[string]any, 0, 500)
		for i := start; i < start+500; i++ {
			rows = append(rows, itemRow(i))
		}
		if _, err := srv.InsertRows(tableID, rows...); err != nil {
			b.Fatalf("insert rows %d to %d: %v", start, start+499, err)
		}
	}
	if n := srv.RowCount(tableID); n != benchRecordCount {
		b.Fatalf("table has %d rows, expected %d", n, benchRecordCount)
	}
}
