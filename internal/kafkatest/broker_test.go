package kafkatest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// testTimeout bounds each produce and wait of these tests.
const testTimeout = 10 * time.Second

// newClient returns a franz-go client of b that the test closes.
func newClient(t *testing.T, b *Broker, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts = append([]kgo.Opt{kgo.SeedBrokers(b.Addr)}, opts...)
	client, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatalf("failed to create a Kafka client: %v", err)
	}
	t.Cleanup(client.Close)
	return client
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func TestKafkaBrokerCompressionCodecs(t *testing.T) {
	codecs := map[string]kgo.CompressionCodec{
		"none":   kgo.NoCompression(),
		"gzip":   kgo.GzipCompression(),
		"snappy": kgo.SnappyCompression(),
		"lz4":    kgo.Lz4Compression(),
		"zstd":   kgo.ZstdCompression(),
	}
	for name, codec := range codecs {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			b := Start(t)
			client := newClient(t, b, kgo.AllowAutoTopicCreation(), kgo.ProducerBatchCompression(codec))

			var produced []*kgo.Record
			for i := range 5 {
				produced = append(produced, &kgo.Record{
					Topic:   "items",
					Key:     fmt.Appendf(nil, "key-%d", i),
					Value:   []byte(strings.Repeat(fmt.Sprintf("value-%d ", i), 50)),
					Headers: []kgo.RecordHeader{{Key: "index", Value: fmt.Appendf(nil, "%d", i)}},
				})
			}
			is.NoErr(client.ProduceSync(testContext(t), produced...).FirstErr())

			stored := b.WaitRecords(t, "items", len(produced), testTimeout)
			is.Equal(len(stored), len(produced)) // one stored record per produced record
			for i, record := range stored {
				is.Equal(record.Offset, int64(i))                         // offsets count from 0
				is.Equal(string(record.Key), string(produced[i].Key))     // key
				is.Equal(string(record.Value), string(produced[i].Value)) // value
				is.Equal(len(record.Headers), 1)                          // one header
				is.Equal(record.Headers[0].Key, "index")                  // header key
				is.Equal(string(record.Headers[0].Value), fmt.Sprint(i))  // header value
				is.True(time.Since(record.Timestamp).Abs() < time.Minute) // timestamp is the produce time
			}
		})
	}
}

func TestKafkaBrokerIdempotentBatches(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	client := newClient(t, b, kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic("events"))
	ctx := testContext(t)

	// Each ProduceSync sends its own batch, so the sequence numbers of the
	// second and third batch continue those of the first.
	for batch := range 3 {
		var records []*kgo.Record
		for i := range 4 {
			records = append(records, kgo.StringRecord(fmt.Sprintf("%d-%d", batch, i)))
		}
		results := client.ProduceSync(ctx, records...)
		is.NoErr(results.FirstErr())
		first, err := results.First()
		is.NoErr(err)
		is.Equal(first.Offset, int64(batch*4)) // the response carries the base offset of the batch
	}

	var values []string
	for _, record := range b.Records("events") {
		values = append(values, string(record.Value))
	}
	is.Equal(len(values), 12)         // every record is stored once
	is.Equal(values[0], "0-0")        // first record
	is.Equal(values[11], "2-3")       // last record
	is.Equal(b.Records("other"), nil) // a topic that does not exist has no records

	b.mu.Lock()
	producerIDs := b.nextProducerID - 1
	b.mu.Unlock()
	is.Equal(producerIDs, int64(1)) // the client initialized one idempotent producer
}

func TestKafkaBrokerMetadataWithoutAutoCreation(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	client := newClient(t, b)

	request := kmsg.NewPtrMetadataRequest()
	topic := kmsg.NewMetadataRequestTopic()
	topic.Topic = kmsg.StringPtr("missing")
	request.Topics = []kmsg.MetadataRequestTopic{topic}
	request.AllowAutoTopicCreation = false
	response, err := request.RequestWith(testContext(t), client)
	is.NoErr(err)

	is.Equal(len(response.Brokers), 1)                                                         // one broker
	is.Equal(fmt.Sprintf("%s:%d", response.Brokers[0].Host, response.Brokers[0].Port), b.Addr) // the broker is itself
	is.Equal(len(response.Topics), 1)                                                          // the requested topic
	is.Equal(response.Topics[0].ErrorCode, kerr.UnknownTopicOrPartition.Code)                  // the topic was not created
	is.Equal(b.topics(), []string{})                                                           // no topic exists
}

func TestKafkaBrokerMetadataCreatesTopic(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	client := newClient(t, b)

	request := kmsg.NewPtrMetadataRequest()
	topic := kmsg.NewMetadataRequestTopic()
	topic.Topic = kmsg.StringPtr("created")
	request.Topics = []kmsg.MetadataRequestTopic{topic}
	request.AllowAutoTopicCreation = true
	response, err := request.RequestWith(testContext(t), client)
	is.NoErr(err)

	is.Equal(len(response.Topics), 1)                         // the requested topic
	is.Equal(response.Topics[0].ErrorCode, int16(0))          // the topic exists
	is.Equal(len(response.Topics[0].Partitions), 1)           // one partition
	is.Equal(response.Topics[0].Partitions[0].Leader, nodeID) // the broker leads it
	is.Equal(b.topics(), []string{"created"})                 // the topic was created
}

func TestKafkaBrokerApiVersions(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	client := newClient(t, b)

	response, err := kmsg.NewPtrApiVersionsRequest().RequestWith(testContext(t), client)
	is.NoErr(err)
	is.Equal(response.ErrorCode, int16(0))               // no error
	is.Equal(len(response.ApiKeys), len(servedVersions)) // one entry per served request
	for _, key := range response.ApiKeys {
		versions := servedVersions[key.ApiKey]
		is.Equal(key.MinVersion, versions.min) // advertised minimum version
		is.Equal(key.MaxVersion, versions.max) // advertised maximum version
	}
}

// requestFrame returns a framed request with an empty client ID.
func requestFrame(apiKey, version int16, body ...byte) []byte {
	frame := binary.BigEndian.AppendUint32(nil, uint32(10+len(body)))
	frame = binary.BigEndian.AppendUint16(frame, uint16(apiKey))
	frame = binary.BigEndian.AppendUint16(frame, uint16(version))
	frame = binary.BigEndian.AppendUint32(frame, 7) // correlation ID
	frame = binary.BigEndian.AppendUint16(frame, 0) // client ID length
	return append(frame, body...)
}

func TestKafkaBrokerInvalidRequests(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
		want  string
	}{{
		name:  "unsupported API key",
		frame: requestFrame(1, 4),
		want:  "unsupported API key 1 (Fetch)",
	}, {
		name:  "unsupported version",
		frame: requestFrame(0, 2),
		want:  "unsupported Produce version 2: this broker serves 3 to 9",
	}, {
		name:  "negative size",
		frame: []byte{0xff, 0xff, 0xff, 0xff},
		want:  "invalid request size -1",
	}, {
		name:  "truncated body",
		frame: requestFrame(3, 1, 0, 0),
		want:  "failed to decode Metadata v1",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			is := is.New(t)
			b, err := listen()
			is.NoErr(err)
			t.Cleanup(b.Close)

			var dialer net.Dialer
			conn, err := dialer.DialContext(testContext(t), "tcp", b.Addr)
			is.NoErr(err)
			defer conn.Close()
			_, err = conn.Write(test.frame)
			is.NoErr(err)

			is.NoErr(conn.SetReadDeadline(time.Now().Add(testTimeout)))
			_, err = conn.Read(make([]byte, 1))
			is.Equal(err, io.EOF) // the broker closed the connection without a response

			errs := b.Errors()
			is.Equal(len(errs), 1)                                // the broker recorded one error
			is.True(strings.Contains(errs[0].Error(), test.want)) // the error names the problem
		})
	}
}

func TestKafkaBrokerApiVersionsTooNew(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	var dialer net.Dialer
	conn, err := dialer.DialContext(testContext(t), "tcp", b.Addr)
	is.NoErr(err)
	defer conn.Close()

	_, err = conn.Write(requestFrame(apiVersionsKey, 99))
	is.NoErr(err)
	is.NoErr(conn.SetReadDeadline(time.Now().Add(testTimeout)))
	frame, err := readFrame(conn)
	is.NoErr(err)

	is.Equal(binary.BigEndian.Uint32(frame[:4]), uint32(7)) // correlation ID of the request
	response := kmsg.NewPtrApiVersionsResponse()
	response.SetVersion(0)
	is.NoErr(response.ReadFrom(frame[4:]))
	is.Equal(response.ErrorCode, kerr.UnsupportedVersion.Code) // version 99 is unsupported
	is.Equal(len(response.ApiKeys), len(servedVersions))       // the response lists the served versions
}

func TestKafkaBrokerClose(t *testing.T) {
	is := is.New(t)
	b, err := listen()
	is.NoErr(err)
	b.Close()
	b.Close() // a second Close does nothing

	var dialer net.Dialer
	_, err = dialer.DialContext(testContext(t), "tcp", b.Addr)
	is.True(err != nil)          // nothing listens on the address after Close
	is.Equal(len(b.Errors()), 0) // closing records no error
}
