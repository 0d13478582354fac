package source

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/teicor/conduit-connector-teicor/teicor"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

const benchRows = 100_000

// benchServer returns an emulator holding one table of n rows.
func benchServer(b *testing.B, n int) (*teicortest.Server, string) {
	b.Helper()
	srv := teicortest.NewServer()
	b.Cleanup(srv.Close)
	seed := &teicortest.Seed{Schemas: []teicortest.SeedSchema{{Name: "bench", Tables: []teicortest.SeedTable{{
		Name:         "rows",
		Columns:      benchColumns(),
		GenerateRows: n,
	}}}}}
	if err := srv.Load(seed); err != nil {
		b.Fatal(err)
	}
	id, _ := srv.TableID("bench", "rows")
	return srv, id
}

func benchColumns() []teicortest.ColumnSpec {
	return []teicortest.ColumnSpec{
		{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true}},
		{Name: "name", Type: "long_text"},
		{Name: "qty", Type: "number"},
		{Name: "price", Type: "number", Config: map[string]any{"precision": 2}},
		{Name: "active", Type: "boolean"},
	}
}

// BenchmarkSourceVsBarePages reads the same table, in the same iteration,
// once with a bare client loop over pages of 1000 rows and once through the
// source, records and positions included. Alternating the two keeps load
// changes on the machine from skewing their ratio.
func BenchmarkSourceVsBarePages(b *testing.B) {
	srv, tableID := benchServer(b, benchRows)
	cfg := testConfig(srv)
	client, err := teicor.New(cfg.ClientOptions())
	if err != nil {
		b.Fatal(err)
	}
	var bare, source time.Duration
	b.ReportAllocs()
	for b.Loop() {
		started := time.Now()
		readBare(b, client, tableID)
		bare += time.Since(started)

		started = time.Now()
		readSource(b, cfg)
		source += time.Since(started)
	}
	rows := float64(benchRows * b.N)
	b.ReportMetric(rows/bare.Seconds(), "bare-rows/s")
	b.ReportMetric(rows/source.Seconds(), "source-rows/s")
	b.ReportMetric(bare.Seconds()/source.Seconds(), "ratio")
}

func readBare(b *testing.B, client *teicor.Client, tableID string) {
	read := 0
	for page, err := range client.RecordPages(context.Background(), tableID, teicor.ListRecordsOptions{Limit: 1000}) {
		if err != nil {
			b.Fatal(err)
		}
		read += len(page.Records)
	}
	if read != benchRows {
		b.Fatalf("read %d rows, expected %d", read, benchRows)
	}
}

func readSource(b *testing.B, cfg Config) {
	ctx := context.Background()
	src := &Source{config: cfg}
	if err := src.Open(ctx, nil); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = src.Teardown(ctx) }()
	for read := 0; read < benchRows; {
		records, err := src.ReadN(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		read += len(records)
	}
}

// BenchmarkSourcePeakHeap reads tables of 10,000 and 1,000,000 rows from
// an emulator in another process, so that the heap measured here is the
// source's alone. peak-live-MB is the largest heap left after a garbage
// collection, taken after every page, and shows whether memory grows with
// the table. peak-heap-MB is the largest heap seen before those
// collections, garbage included.
func BenchmarkSourcePeakHeap(b *testing.B) {
	for _, rows := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			url := startEmulatorProcess(b, rows)
			cfg := testConfig(&teicortest.Server{
				URL: url, TeamSlug: teicortest.DefaultTeamSlug,
				AppSlug: teicortest.DefaultAppSlug, ServiceToken: teicortest.DefaultServiceToken,
			})
			var peak heapPeak
			for b.Loop() {
				readAllMeasuringHeap(b, cfg, rows, &peak)
			}
			b.ReportMetric(float64(peak.live)/(1<<20), "peak-live-MB")
			b.ReportMetric(float64(peak.any)/(1<<20), "peak-heap-MB")
		})
	}
}

type heapPeak struct {
	live, any uint64
}

func readAllMeasuringHeap(b *testing.B, cfg Config, rows int, peak *heapPeak) {
	ctx := context.Background()
	runtime.GC()
	src := &Source{config: cfg}
	if err := src.Open(ctx, nil); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = src.Teardown(ctx) }()
	var stats runtime.MemStats
	for read := 0; read < rows; {
		records, err := src.ReadN(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		read += len(records)
		runtime.ReadMemStats(&stats)
		peak.any = max(peak.any, stats.HeapAlloc)
		runtime.GC()
		runtime.ReadMemStats(&stats)
		peak.live = max(peak.live, stats.HeapAlloc)
	}
}

// startEmulatorProcess builds and starts cmd/teicor-emulator with one
// generated table of n rows and returns its base URL.
func startEmulatorProcess(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "teicor-emulator")
	build := exec.CommandContext(b.Context(), "go", "build", "-o", bin, "../cmd/teicor-emulator")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build emulator: %v\n%s", err, out)
	}

	seed := teicortest.Seed{Schemas: []teicortest.SeedSchema{{Name: "bench", Tables: []teicortest.SeedTable{{
		Name: "rows", Columns: benchColumns(), GenerateRows: n,
	}}}}}
	seedFile := filepath.Join(dir, "seed.json")
	data, _ := json.Marshal(seed)
	if err := os.WriteFile(seedFile, data, 0o600); err != nil {
		b.Fatal(err)
	}

	ready := filepath.Join(dir, "ready")
	cmd := exec.CommandContext(context.Background(), bin, "-addr", "127.0.0.1:0", "-seed", seedFile, "-ready-file", ready)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if url, err := os.ReadFile(ready); err == nil && len(url) > 0 {
			return strings.TrimSpace(string(url))
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatal("emulator did not become ready within 2 minutes")
	return ""
}
