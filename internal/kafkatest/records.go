package kafkatest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Record is a message that the broker stored.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       []byte
	Value     []byte
	Headers   []Header
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// waitPollInterval is the pause between two checks of WaitRecords.
const waitPollInterval = 20 * time.Millisecond

// Records returns the records stored in topic, in offset order. It returns
// nil for a topic that does not exist.
func (b *Broker) Records(topic string) []Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.partitions[topic]
	if !ok {
		return nil
	}
	return slices.Clone(p.records)
}

// WaitRecords polls until topic holds at least n records and returns them
// all. It fails the test if that takes longer than timeout.
func (b *Broker) WaitRecords(t testing.TB, topic string, n int, timeout time.Duration) []Record {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		records := b.Records(topic)
		if len(records) >= n {
			return records
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %d records in topic %q: it has %d", timeout, n, topic, len(records))
		}
		time.Sleep(waitPollInterval)
	}
}

// partition is partition 0 of a topic, the only partition topics have.
type partition struct {
	records   []Record
	producers map[int64]producerState
}

// producerState is the last batch an idempotent producer appended to a
// partition, which detects retried and lost batches.
type producerState struct {
	epoch         int16
	firstSequence int32
	lastSequence  int32
	baseOffset    int64
}

func (b *Broker) topics() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	names := make([]string, 0, len(b.partitions))
	for name := range b.partitions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// hasTopic reports whether topic exists, after creating it if create is
// true.
func (b *Broker) hasTopic(topic string, create bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.partitions[topic]; ok {
		return true
	}
	if !create || topic == "" {
		return false
	}
	b.partitions[topic] = &partition{producers: map[int64]producerState{}}
	return true
}

// appendBatches stores the records of the record batches in raw and returns
// the offset of the first one, or an error code for the produce response.
func (b *Broker) appendBatches(topic string, partitionIndex int32, raw []byte) (int64, int16) {
	batches, err := decodeBatches(raw)
	if err != nil {
		b.recordError(fmt.Errorf("rejected produce request for topic %q: %w", topic, err))
		return -1, kerr.CorruptMessage.Code
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.partitions[topic]
	if !ok || partitionIndex != 0 {
		return -1, kerr.UnknownTopicOrPartition.Code
	}
	baseOffset := int64(-1)
	for _, batch := range batches {
		offset, code := p.append(topic, batch)
		if code != 0 {
			return -1, code
		}
		if baseOffset < 0 {
			baseOffset = offset
		}
	}
	return baseOffset, 0
}

// append stores one batch and returns its base offset. A batch that repeats
// the last one of its idempotent producer is stored once, and its first
// offset returned again, as Kafka does for a retried produce request.
func (p *partition) append(topic string, batch decodedBatch) (int64, int16) {
	header := batch.header
	idempotent := header.ProducerID >= 0
	state, known := p.producers[header.ProducerID]
	if idempotent && known && state.epoch == header.ProducerEpoch {
		if header.FirstSequence == state.firstSequence {
			return state.baseOffset, 0
		}
		// NOTE: sequence numbers that wrap past the maximum int32 are
		// reported as out of order.
		if header.FirstSequence != state.lastSequence+1 {
			return -1, kerr.OutOfOrderSequenceNumber.Code
		}
	}

	baseOffset := int64(len(p.records))
	for i, record := range batch.records {
		p.records = append(p.records, Record{
			Topic:     topic,
			Offset:    baseOffset + int64(i),
			Timestamp: time.UnixMilli(header.FirstTimestamp + record.TimestampDelta64),
			Key:       record.Key,
			Value:     record.Value,
			Headers:   convertHeaders(record.Headers),
		})
	}
	if idempotent {
		p.producers[header.ProducerID] = producerState{
			epoch:         header.ProducerEpoch,
			firstSequence: header.FirstSequence,
			lastSequence:  header.FirstSequence + header.LastOffsetDelta,
			baseOffset:    baseOffset,
		}
	}
	return baseOffset, 0
}

func convertHeaders(headers []kmsg.Header) []Header {
	if len(headers) == 0 {
		return nil
	}
	converted := make([]Header, len(headers))
	for i, header := range headers {
		converted[i] = Header{Key: header.Key, Value: header.Value}
	}
	return converted
}

// decodedBatch is a record batch with its records decompressed and parsed.
type decodedBatch struct {
	header  kmsg.RecordBatch
	records []kmsg.Record
}

// recordBatchHeaderSize is the size of FirstOffset and Length, the fields
// that precede the part of a batch that Length counts.
const recordBatchHeaderSize = 12

// crcOffset is the offset of the first byte that a batch's CRC covers,
// after FirstOffset, Length, PartitionLeaderEpoch, Magic and CRC.
const crcOffset = 21

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// decompressor is franz-go's decompressor for the gzip, snappy, lz4 and
// zstd codecs. It is safe for concurrent use.
var decompressor = kgo.DefaultDecompressor()

// decodeBatches splits raw into its record batches and decodes each.
func decodeBatches(raw []byte) ([]decodedBatch, error) {
	var batches []decodedBatch
	for len(raw) > 0 {
		if len(raw) < crcOffset {
			return nil, fmt.Errorf("invalid record batch of %d bytes: the header alone has %d", len(raw), crcOffset)
		}
		size := recordBatchHeaderSize + int(int32(binary.BigEndian.Uint32(raw[8:12])))
		if size < crcOffset || size > len(raw) {
			return nil, fmt.Errorf("invalid record batch size %d: %d bytes remain", size, len(raw))
		}
		batch, err := decodeBatch(raw[:size])
		if err != nil {
			return nil, err
		}
		batches = append(batches, batch)
		raw = raw[size:]
	}
	if len(batches) == 0 {
		return nil, errors.New("produce request has no record batch")
	}
	return batches, nil
}

func decodeBatch(raw []byte) (decodedBatch, error) {
	var batch decodedBatch
	if err := batch.header.ReadFrom(raw); err != nil {
		return batch, fmt.Errorf("failed to decode record batch: %w", err)
	}
	if batch.header.Magic != 2 {
		return batch, fmt.Errorf("unsupported record batch magic %d: expected 2", batch.header.Magic)
	}
	if sum := crc32.Checksum(raw[crcOffset:], castagnoli); sum != uint32(batch.header.CRC) {
		return batch, fmt.Errorf("record batch CRC %08x does not match its content, %08x", uint32(batch.header.CRC), sum)
	}
	data, err := decompress(batch.header)
	if err != nil {
		return batch, err
	}
	batch.records, err = decodeRecords(data, batch.header.NumRecords)
	return batch, err
}

// decompress returns the records of batch as uncompressed bytes. The codec
// is in the three lowest bits of the batch attributes.
func decompress(batch kmsg.RecordBatch) ([]byte, error) {
	codec := kgo.CompressionCodecType(batch.Attributes & 0x07)
	if codec == kgo.CodecNone {
		return batch.Records, nil
	}
	data, err := decompressor.Decompress(batch.Records, codec)
	if err != nil {
		return nil, fmt.Errorf("failed to decompress records with codec %d: %w", codec, err)
	}
	return data, nil
}

// decodeRecords parses count records, each prefixed with its length as a
// zigzag varint.
func decodeRecords(data []byte, count int32) ([]kmsg.Record, error) {
	records := make([]kmsg.Record, 0, max(count, 0))
	for i := range count {
		length, n := binary.Varint(data)
		if n <= 0 || length < 0 || length > int64(len(data)-n) {
			return nil, fmt.Errorf("invalid length of record %d of %d", i, count)
		}
		var record kmsg.Record
		if err := record.ReadFrom(data[:n+int(length)]); err != nil {
			return nil, fmt.Errorf("failed to decode record %d of %d: %w", i, count, err)
		}
		records = append(records, record)
		data = data[n+int(length):]
	}
	if len(data) != 0 {
		return nil, fmt.Errorf("record batch has %d bytes after its %d records", len(data), count)
	}
	return records, nil
}
