package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/kafkatest"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// kafkaItemColumns are the columns of shop.items whose values the Kafka
// messages are checked against.
var kafkaItemColumns = []string{"sku", "qty", "price", "active"}

// TestExampleTeicorToKafka runs teicor-to-kafka.yaml against the emulator
// and an in-process Kafka broker. It checks that each row of shop.items
// reaches topic "items" as a message keyed by the row's id, first in the
// snapshot and then after an insert and an update. It also checks that no
// service token appears in Conduit's log or in the messages.
func TestExampleTeicorToKafka(t *testing.T) {
	is := is.New(t)
	broker := kafkatest.Start(t)
	srv := teicortest.NewServer()
	t.Cleanup(srv.Close)
	is.NoErr(srv.CreateSchema("shop"))
	ref, err := srv.CreateTable("shop", "items", itemColumns()...)
	is.NoErr(err)
	// The source emits the rows that share the snapshot's cutoff again
	// when there are more than 16 of them, so 12 rows arrive exactly once.
	insertItems(t, srv, ref.ID, 0, 12)

	env := append(exampleTeicorEnv(srv), "KAFKA_SERVERS="+broker.Addr)
	c := startExample(t, "teicor-to-kafka.yaml", "teicor-to-kafka", env)
	waitExample(t, "every row in topic items", func() string {
		return kafkaItemsDiff(broker, srv, ref.ID, 12)
	})

	rows := srv.Rows(ref.ID)
	inserted, err := srv.InsertRows(ref.ID, itemRow(100))
	is.NoErr(err)
	updated := rows[3].ID
	is.NoErr(srv.UpdateRow(ref.ID, updated, map[string]any{"qty": 777, "active": nil}))
	waitExample(t, "the inserted and the updated row in topic items", func() string {
		return kafkaItemsDiff(broker, srv, ref.ID, 14)
	})
	c.Stop()

	latest := latestKafkaItems(t, broker.Records("items"))
	is.Equal(latest[rows[0].ID].Operation, "snapshot") // a row that existed at the start comes from the snapshot
	is.Equal(latest[inserted[0]].Operation, "create")  // the inserted row is a create
	is.Equal(latest[updated].Operation, "update")      // the updated row is an update

	is.True(!strings.Contains(c.Logs(), srv.ServiceToken)) // conduit's log does not contain the service token
	for _, record := range broker.Records("items") {
		is.True(!strings.Contains(string(record.Value), srv.ServiceToken)) // no message contains the service token
	}
}

// kafkaItem is a Kafka message of the example decoded: the record key from
// the message key and the OpenCDC record from the message value.
type kafkaItem struct {
	Key       map[string]any    `json:"-"`
	ValueKey  map[string]any    `json:"key"`
	Operation string            `json:"operation"`
	Metadata  map[string]string `json:"metadata"`
	Payload   struct {
		After map[string]any `json:"after"`
	} `json:"payload"`
}

// kafkaItemsDiff checks that topic "items" has count messages and that the
// latest message of each row of the table carries the row's id as key and
// its values, and describes the first difference.
func kafkaItemsDiff(broker *kafkatest.Broker, srv *teicortest.Server, tableID string, count int) string {
	records := broker.Records("items")
	if len(records) != count {
		return fmt.Sprintf("topic items has %d messages, expected %d", len(records), count)
	}
	latest, err := decodeKafkaItems(records)
	if err != nil {
		return err.Error()
	}

	rows := srv.Rows(tableID)
	if len(latest) != len(rows) {
		return fmt.Sprintf("topic items has messages for %d records, expected %d", len(latest), len(rows))
	}
	for _, row := range rows {
		if diff := kafkaItemDiff(latest[row.ID], row); diff != "" {
			return fmt.Sprintf("record %s: %s", row.ID, diff)
		}
	}
	return ""
}

// kafkaItemDiff compares the latest message of a row with the row.
func kafkaItemDiff(item *kafkaItem, row teicortest.Row) string {
	if item == nil {
		return "no message"
	}
	if got := item.Metadata["opencdc.collection"]; got != "items" {
		return fmt.Sprintf("collection is %q, expected items", got)
	}
	want, err := jsonValues(row.Values)
	if err != nil {
		return err.Error()
	}
	for _, column := range kafkaItemColumns {
		if got := item.Payload.After[column]; !reflect.DeepEqual(got, want[column]) {
			return fmt.Sprintf("%s is %v, expected %v", column, got, want[column])
		}
	}
	return ""
}

// latestKafkaItems decodes records and fails the test on an invalid one.
func latestKafkaItems(t *testing.T, records []kafkatest.Record) map[string]*kafkaItem {
	t.Helper()
	latest, err := decodeKafkaItems(records)
	if err != nil {
		t.Fatal(err)
	}
	return latest
}

// decodeKafkaItems decodes the messages of the example and returns the
// latest one of each record id. It returns an error for a message whose key
// is not exactly {"id":"<record id>"} or whose value is not OpenCDC JSON.
func decodeKafkaItems(records []kafkatest.Record) (map[string]*kafkaItem, error) {
	latest := map[string]*kafkaItem{}
	for _, record := range records {
		item := &kafkaItem{}
		if err := json.Unmarshal(record.Key, &item.Key); err != nil {
			return nil, fmt.Errorf("message at offset %d has key %q, expected a JSON object: %w", record.Offset, record.Key, err)
		}
		id, ok := item.Key["id"].(string)
		if !ok || id == "" || len(item.Key) != 1 {
			return nil, fmt.Errorf("message at offset %d has key %s, expected {\"id\":\"<record id>\"}", record.Offset, record.Key)
		}
		if err := json.Unmarshal(record.Value, item); err != nil {
			return nil, fmt.Errorf("message at offset %d has a value that is not OpenCDC JSON: %w", record.Offset, err)
		}
		if !reflect.DeepEqual(item.ValueKey, item.Key) {
			return nil, fmt.Errorf("message at offset %d has key %s, but its record has key %v", record.Offset, record.Key, item.ValueKey)
		}
		latest[id] = item
	}
	return latest, nil
}

// jsonValues returns values as encoding/json decodes them into an any, so
// that they compare equal to the decoded message values.
func jsonValues(values map[string]any) (map[string]any, error) {
	data, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("failed to encode row values %v: %w", values, err)
	}
	var decoded map[string]any
	if err := json.Unmarshal(data, &decoded); err != nil {
		return nil, fmt.Errorf("failed to decode row values %s: %w", data, err)
	}
	return decoded, nil
}
