package kafkatest

import (
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Broker identity in the metadata it returns.
const (
	nodeID    int32 = 0
	clusterID       = "kafkatest"
)

// apiVersionsKey is the API key of ApiVersions, whose request and response
// headers follow special rules.
const apiVersionsKey int16 = 18

// versionRange is the range of versions of one request type that the
// broker serves and ApiVersions advertises.
type versionRange struct {
	min int16
	max int16
}

// servedVersions lists the served requests by API key. The ranges stop
// before versions that identify topics by topic ID (Metadata v10 and
// Produce v13), because the broker assigns no topic IDs. Produce starts at
// v3, the first version whose records come in v2 record batches.
var servedVersions = map[int16]versionRange{
	0:              {min: 3, max: 9}, // Produce
	3:              {min: 1, max: 9}, // Metadata
	apiVersionsKey: {min: 0, max: 4},
	22:             {min: 0, max: 4}, // InitProducerID
}

// handle runs the handler of a request whose key servedVersions lists.
func (b *Broker) handle(request kmsg.Request) kmsg.Response {
	switch request := request.(type) {
	case *kmsg.ProduceRequest:
		return b.produce(request)
	case *kmsg.MetadataRequest:
		return b.metadata(request)
	case *kmsg.ApiVersionsRequest:
		return b.apiVersions(request)
	case *kmsg.InitProducerIDRequest:
		return b.initProducerID(request)
	default:
		panic(fmt.Sprintf("kafkatest: no handler for %s", kmsg.NameForKey(request.Key())))
	}
}

func (b *Broker) apiVersions(request *kmsg.ApiVersionsRequest) kmsg.Response {
	response := request.ResponseKind().(*kmsg.ApiVersionsResponse)
	response.ApiKeys = advertisedAPIs()
	return response
}

// unsupportedAPIVersions returns the version 0 response that a broker
// sends for an ApiVersions request of a version it does not serve. The
// client then retries with the highest version in the list.
func unsupportedAPIVersions() kmsg.Response {
	response := kmsg.NewPtrApiVersionsResponse()
	response.ErrorCode = kerr.UnsupportedVersion.Code
	response.ApiKeys = advertisedAPIs()
	return response
}

func advertisedAPIs() []kmsg.ApiVersionsResponseApiKey {
	keys := make([]kmsg.ApiVersionsResponseApiKey, 0, len(servedVersions))
	for key, versions := range servedVersions {
		entry := kmsg.NewApiVersionsResponseApiKey()
		entry.ApiKey = key
		entry.MinVersion = versions.min
		entry.MaxVersion = versions.max
		keys = append(keys, entry)
	}
	slices.SortFunc(keys, func(a, b kmsg.ApiVersionsResponseApiKey) int {
		return int(a.ApiKey) - int(b.ApiKey)
	})
	return keys
}

// metadata returns this broker and the requested topics, or every topic
// when the request lists none. It creates a missing topic with one
// partition when the request allows auto-creation, as a Kafka broker with
// auto.create.topics.enable=true does.
func (b *Broker) metadata(req *kmsg.MetadataRequest) kmsg.Response {
	response := req.ResponseKind().(*kmsg.MetadataResponse)

	broker := kmsg.NewMetadataResponseBroker()
	broker.NodeID = nodeID
	broker.Host = b.host
	broker.Port = b.port
	response.Brokers = []kmsg.MetadataResponseBroker{broker}
	response.ClusterID = kmsg.StringPtr(clusterID)
	response.ControllerID = nodeID

	var names []string
	if req.Topics == nil {
		names = b.topics()
	}
	for _, topic := range req.Topics {
		if topic.Topic != nil {
			names = append(names, *topic.Topic)
		}
	}
	// Versions before 4 have no AllowAutoTopicCreation field, and brokers
	// create missing topics for them.
	create := req.AllowAutoTopicCreation || req.Version < 4
	for _, name := range names {
		response.Topics = append(response.Topics, b.topicMetadata(name, create))
	}
	return response
}

func (b *Broker) topicMetadata(name string, create bool) kmsg.MetadataResponseTopic {
	topic := kmsg.NewMetadataResponseTopic()
	topic.Topic = kmsg.StringPtr(name)
	if !b.hasTopic(name, create) {
		topic.ErrorCode = kerr.UnknownTopicOrPartition.Code
		return topic
	}
	partition := kmsg.NewMetadataResponseTopicPartition()
	partition.Partition = 0
	partition.Leader = nodeID
	partition.Replicas = []int32{nodeID}
	partition.ISR = []int32{nodeID}
	topic.Partitions = []kmsg.MetadataResponseTopicPartition{partition}
	return topic
}

// initProducerID assigns a new producer ID with epoch 0 to each request.
// Transactional producers are rejected, because the broker has no
// transaction coordinator.
func (b *Broker) initProducerID(req *kmsg.InitProducerIDRequest) kmsg.Response {
	response := req.ResponseKind().(*kmsg.InitProducerIDResponse)
	if req.TransactionalID != nil {
		response.ErrorCode = kerr.CoordinatorNotAvailable.Code
		return response
	}

	b.mu.Lock()
	response.ProducerID = b.nextProducerID
	b.nextProducerID++
	b.mu.Unlock()
	response.ProducerEpoch = 0
	return response
}

// produce appends the record batches of the request to their partitions
// and returns the offset of each batch's first record. It returns nil for
// acks=0, because a client that sends acks=0 reads no response.
func (b *Broker) produce(req *kmsg.ProduceRequest) kmsg.Response {
	response := req.ResponseKind().(*kmsg.ProduceResponse)
	for _, topic := range req.Topics {
		topicResponse := kmsg.NewProduceResponseTopic()
		topicResponse.Topic = topic.Topic
		for _, partition := range topic.Partitions {
			partitionResponse := kmsg.NewProduceResponseTopicPartition()
			partitionResponse.Partition = partition.Partition
			partitionResponse.BaseOffset, partitionResponse.ErrorCode = b.appendBatches(topic.Topic, partition.Partition, partition.Records)
			partitionResponse.LogAppendTime = -1
			topicResponse.Partitions = append(topicResponse.Partitions, partitionResponse)
		}
		response.Topics = append(response.Topics, topicResponse)
	}
	if req.Acks == 0 {
		return nil
	}
	return response
}
