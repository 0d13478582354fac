package kafkatest

import (
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// encodeBatch returns an uncompressed v2 record batch with one record per
// value and a valid CRC. A producerID of -1 marks a non-idempotent producer.
func encodeBatch(producerID int64, firstSequence int32, values ...string) []byte {
	var records []byte
	for i, value := range values {
		record := kmsg.Record{OffsetDelta: int32(i), Value: []byte(value)}
		encoded := record.AppendTo(nil)[1:] // drops the zero Length varint
		records = binary.AppendVarint(records, int64(len(encoded)))
		records = append(records, encoded...)
	}

	now := time.Now().UnixMilli()
	batch := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1,
		Magic:                2,
		LastOffsetDelta:      int32(len(values) - 1),
		FirstTimestamp:       now,
		MaxTimestamp:         now,
		ProducerID:           producerID,
		FirstSequence:        firstSequence,
		NumRecords:           int32(len(values)),
		Records:              records,
	}
	raw := batch.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:12], uint32(len(raw)-recordBatchHeaderSize))
	binary.BigEndian.PutUint32(raw[17:21], crc32.Checksum(raw[crcOffset:], castagnoli))
	return raw
}

// produceRaw sends one produce request for partition 0 of topic with acks
// and returns the partition's response, or nil for acks=0.
func produceRaw(t *testing.T, client *kgo.Client, topic string, batch []byte, acks int16) *kmsg.ProduceResponseTopicPartition {
	t.Helper()
	partition := kmsg.NewProduceRequestTopicPartition()
	partition.Records = batch
	requestTopic := kmsg.NewProduceRequestTopic()
	requestTopic.Topic = topic
	requestTopic.Partitions = []kmsg.ProduceRequestTopicPartition{partition}
	request := kmsg.NewPtrProduceRequest()
	request.Acks = acks
	request.TimeoutMillis = int32(testTimeout.Milliseconds())
	request.Topics = []kmsg.ProduceRequestTopic{requestTopic}

	response, err := client.Request(testContext(t), request)
	if err != nil {
		t.Fatalf("produce request failed: %v", err)
	}
	if acks == 0 {
		return nil
	}
	produceResponse := response.(*kmsg.ProduceResponse)
	if len(produceResponse.Topics) != 1 || len(produceResponse.Topics[0].Partitions) != 1 {
		t.Fatalf("produce response has %d topics, expected one with one partition", len(produceResponse.Topics))
	}
	return &produceResponse.Topics[0].Partitions[0]
}

func recordValues(records []Record) []string {
	var values []string
	for _, record := range records {
		values = append(values, string(record.Value))
	}
	return values
}

func TestKafkaBrokerRetriedBatchStoredOnce(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	is.True(b.hasTopic("retries", true))
	client := newClient(t, b)

	first := produceRaw(t, client, "retries", encodeBatch(7, 0, "a", "b"), -1)
	is.Equal(first.ErrorCode, int16(0))  // first batch is stored
	is.Equal(first.BaseOffset, int64(0)) // first batch starts at offset 0

	retry := produceRaw(t, client, "retries", encodeBatch(7, 0, "a", "b"), -1)
	is.Equal(retry.ErrorCode, int16(0))  // a retried batch succeeds
	is.Equal(retry.BaseOffset, int64(0)) // a retried batch returns its first offset again

	next := produceRaw(t, client, "retries", encodeBatch(7, 2, "c"), -1)
	is.Equal(next.ErrorCode, int16(0))  // the next sequence is stored
	is.Equal(next.BaseOffset, int64(2)) // the next batch follows the first

	is.Equal(recordValues(b.Records("retries")), []string{"a", "b", "c"}) // the retried batch is stored once
}

func TestKafkaBrokerSequenceGapRejected(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	is.True(b.hasTopic("gaps", true))
	client := newClient(t, b)

	first := produceRaw(t, client, "gaps", encodeBatch(7, 0, "a"), -1)
	is.Equal(first.ErrorCode, int16(0)) // first batch is stored

	gap := produceRaw(t, client, "gaps", encodeBatch(7, 5, "f"), -1)
	is.Equal(gap.ErrorCode, kerr.OutOfOrderSequenceNumber.Code) // sequence 5 after 0 is out of order

	is.Equal(recordValues(b.Records("gaps")), []string{"a"}) // the out-of-order batch is not stored
}

func TestKafkaBrokerUnknownTopicRejected(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	client := newClient(t, b)

	response := produceRaw(t, client, "missing", encodeBatch(7, 0, "a"), -1)
	is.Equal(response.ErrorCode, kerr.UnknownTopicOrPartition.Code) // produce does not create topics
	is.Equal(b.Records("missing"), nil)                             // nothing is stored
}

func TestKafkaBrokerAcksZeroStores(t *testing.T) {
	is := is.New(t)
	b := Start(t)
	is.True(b.hasTopic("fire", true))
	client := newClient(t, b)

	response := produceRaw(t, client, "fire", encodeBatch(-1, -1, "a", "b"), 0)
	is.Equal(response, nil) // acks=0 has no response

	records := b.WaitRecords(t, "fire", 2, testTimeout)
	is.Equal(recordValues(records), []string{"a", "b"}) // the records are stored
}

func TestKafkaBrokerCorruptBatchRejected(t *testing.T) {
	is := is.New(t)
	b, err := listen()
	is.NoErr(err)
	t.Cleanup(b.Close)
	is.True(b.hasTopic("corrupt", true))
	client := newClient(t, b)

	batch := encodeBatch(7, 0, "value")
	batch[len(batch)-2] ^= 0xff // a byte of the record value
	response := produceRaw(t, client, "corrupt", batch, -1)
	is.Equal(response.ErrorCode, kerr.CorruptMessage.Code) // the CRC does not match
	is.Equal(len(b.Records("corrupt")), 0)                 // nothing is stored

	errs := b.Errors()
	is.Equal(len(errs), 1)                                       // the broker recorded one error
	is.True(strings.Contains(errs[0].Error(), "does not match")) // the error names the CRC mismatch
}
