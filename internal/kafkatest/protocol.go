package kafkatest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// maxRequestSize caps the size of one request, so that a corrupt size
// prefix cannot make the broker allocate gigabytes. Kafka's own default
// for socket.request.max.bytes is the same 100 MiB.
const maxRequestSize = 100 << 20

// errInvalidSize marks a request whose size prefix is out of range, the
// one read error that is a protocol error rather than a disconnect.
var errInvalidSize = errors.New("invalid request size")

// requestHeader is the header that precedes every Kafka request body.
type requestHeader struct {
	apiKey        int16
	apiVersion    int16
	correlationID int32
}

// serve reads requests from conn and writes their responses in order, until
// the client disconnects, the broker closes or a request is invalid. Kafka
// brokers also close the connection on a request they cannot parse.
func (b *Broker) serve(conn net.Conn) {
	reader := bufio.NewReader(conn)
	for {
		frame, err := readFrame(reader)
		if err != nil {
			if errors.Is(err, errInvalidSize) {
				b.recordError(err)
			}
			return // the client disconnected or the broker closed
		}
		response, err := b.handleFrame(frame)
		if err != nil {
			b.recordError(err)
			return
		}
		if response == nil {
			continue // a produce request with acks=0 gets no response
		}
		if _, err := conn.Write(response); err != nil {
			return // the client is gone
		}
	}
}

func readFrame(reader io.Reader) ([]byte, error) {
	var sizeBytes [4]byte
	if _, err := io.ReadFull(reader, sizeBytes[:]); err != nil {
		return nil, err
	}
	size := int32(binary.BigEndian.Uint32(sizeBytes[:]))
	if size < 0 || size > maxRequestSize {
		return nil, fmt.Errorf("%w %d: expected 0 to %d bytes", errInvalidSize, size, maxRequestSize)
	}
	frame := make([]byte, size)
	if _, err := io.ReadFull(reader, frame); err != nil {
		return nil, fmt.Errorf("failed to read request of %d bytes: %w", size, err)
	}
	return frame, nil
}

// handleFrame decodes one request, runs its handler and returns the framed
// response, or nil if the request expects none.
func (b *Broker) handleFrame(frame []byte) ([]byte, error) {
	header, body, err := parseHeader(frame)
	if err != nil {
		return nil, err
	}
	versions, ok := servedVersions[header.apiKey]
	if !ok {
		return nil, fmt.Errorf("unsupported API key %d (%s)", header.apiKey, kmsg.NameForKey(header.apiKey))
	}
	if header.apiVersion < versions.min || header.apiVersion > versions.max {
		if header.apiKey == apiVersionsKey {
			return frameResponse(header, unsupportedAPIVersions()), nil
		}
		return nil, fmt.Errorf("unsupported %s version %d: this broker serves %d to %d",
			kmsg.NameForKey(header.apiKey), header.apiVersion, versions.min, versions.max)
	}

	request := kmsg.RequestForKey(header.apiKey)
	request.SetVersion(header.apiVersion)
	body, err = skipHeaderTags(request, body)
	if err != nil {
		return nil, err
	}
	if err := request.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("failed to decode %s v%d: %w", kmsg.NameForKey(header.apiKey), header.apiVersion, err)
	}
	response := b.handle(request)
	if response == nil {
		return nil, nil
	}
	return frameResponse(header, response), nil
}

// parseHeader reads the fixed part of a request header: API key, API
// version, correlation ID and the nullable client ID.
func parseHeader(frame []byte) (requestHeader, []byte, error) {
	if len(frame) < 10 {
		return requestHeader{}, nil, fmt.Errorf("invalid request of %d bytes: a header has at least 10", len(frame))
	}
	header := requestHeader{
		apiKey:        int16(binary.BigEndian.Uint16(frame[0:2])),
		apiVersion:    int16(binary.BigEndian.Uint16(frame[2:4])),
		correlationID: int32(binary.BigEndian.Uint32(frame[4:8])),
	}
	clientIDLength := int(int16(binary.BigEndian.Uint16(frame[8:10])))
	rest := frame[10:]
	if clientIDLength > 0 {
		if clientIDLength > len(rest) {
			return requestHeader{}, nil, fmt.Errorf("invalid client ID length %d in a request of %d bytes", clientIDLength, len(frame))
		}
		rest = rest[clientIDLength:]
	}
	return header, rest, nil
}

// skipHeaderTags skips the tagged fields that end the header of flexible
// requests (request header v2, KIP-482).
func skipHeaderTags(request kmsg.Request, body []byte) ([]byte, error) {
	if !request.IsFlexible() {
		return body, nil
	}
	count, n := binary.Uvarint(body)
	if n <= 0 {
		return nil, errors.New("invalid tagged field count in the request header")
	}
	body = body[n:]
	for range count {
		_, n = binary.Uvarint(body) // tag
		if n <= 0 {
			return nil, errors.New("invalid tag in the request header")
		}
		body = body[n:]
		size, n := binary.Uvarint(body)
		if n <= 0 || size > uint64(len(body)-n) {
			return nil, errors.New("invalid tagged field size in the request header")
		}
		body = body[n+int(size):]
	}
	return body, nil
}

// frameResponse prefixes the response with its size and header. Flexible
// responses carry an empty tag buffer in their header, except ApiVersions,
// whose response header is always version 0 so that clients can read it
// before they know which versions the broker serves.
func frameResponse(header requestHeader, response kmsg.Response) []byte {
	out := make([]byte, 4, 64)
	out = binary.BigEndian.AppendUint32(out, uint32(header.correlationID))
	if response.IsFlexible() && header.apiKey != apiVersionsKey {
		out = append(out, 0)
	}
	out = response.AppendTo(out)
	binary.BigEndian.PutUint32(out[:4], uint32(len(out)-4))
	return out
}
