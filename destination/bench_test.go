package destination

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// benchBatch is the number of records per benchmark iteration: ten full
// chunks.
const benchBatch = 5000

// benchLatencies are the injected per-request latencies that the
// benchmarks run with: none, and a slow network of 50 ms per request.
var benchLatencies = []time.Duration{0, 50 * time.Millisecond}

// BenchmarkWrite measures Destination.Write of upserts into the emulator
// over loopback HTTP. Compare it with BenchmarkBareBulkUpsert, which sends
// the same rows with the client alone.
func BenchmarkWrite(b *testing.B) {
	for _, latency := range benchLatencies {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			srv, _ := newServer(b)
			d := openDestination(b, testConfig(srv))
			records := itemRecords(benchBatch)
			ctx := context.Background()
			srv.SetLatency("", latency)

			b.ResetTimer()
			for range b.N {
				if n, err := d.Write(ctx, records); err != nil || n != len(records) {
					b.Fatalf("write: n = %d, err = %v", n, err)
				}
			}
			reportRecordsPerSecond(b)
		})
	}
}

// BenchmarkBareBulkUpsert sends the rows of BenchmarkWrite with a bare
// loop of 500-record BulkUpsert calls, the floor for the destination.
func BenchmarkBareBulkUpsert(b *testing.B) {
	for _, latency := range benchLatencies {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			srv, tableID := newServer(b)
			cfg := testConfig(srv)
			client, err := teicor.New(cfg.ClientOptions())
			if err != nil {
				b.Fatalf("create client: %v", err)
			}
			rows := bareRows(b, client, tableID)
			ctx := context.Background()
			srv.SetLatency("", latency)

			b.ResetTimer()
			for range b.N {
				for start := 0; start < len(rows); start += teicor.MaxBulkChunk {
					chunk := rows[start:min(start+teicor.MaxBulkChunk, len(rows))]
					if _, err := client.BulkUpsert(ctx, tableID, chunk, teicor.OnConflictOverwrite); err != nil {
						b.Fatalf("bulk upsert: %v", err)
					}
				}
			}
			reportRecordsPerSecond(b)
		})
	}
}

// bareRows returns the rows of itemRecords(benchBatch) as record data keyed
// by column id.
func bareRows(b *testing.B, client *teicor.Client, tableID string) []teicor.RecordData {
	b.Helper()
	cols, err := client.ListColumns(context.Background(), tableID)
	if err != nil {
		b.Fatalf("list columns: %v", err)
	}
	ids := map[string]string{}
	for _, col := range cols {
		ids[col.Name] = col.ID
	}
	rows := make([]teicor.RecordData, benchBatch)
	for i, rec := range itemRecords(benchBatch) {
		after := rec.Payload.After.(opencdc.StructuredData)
		rows[i] = teicor.RecordData{
			ids["sku"]:  string(rec.Key.Bytes()),
			ids["name"]: after["name"],
			ids["qty"]:  after["qty"],
		}
	}
	return rows
}

func reportRecordsPerSecond(b *testing.B) {
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "records/s")
}
