// Package kafkatest runs a single-node Kafka broker in the test process.
// The broker speaks enough of the Kafka protocol for a franz-go producer,
// including the idempotent one of Conduit's builtin Kafka destination, to
// produce to it, and stores every record in memory for the test to read.
// It serves no fetches, consumer groups or transactions.
package kafkatest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
)

// Broker is a Kafka broker that listens on a loopback port. It is node 0
// of a one-node cluster and leads partition 0 of every topic.
type Broker struct {
	// Addr is the host:port that clients list as their bootstrap server.
	Addr string

	listener net.Listener
	host     string
	port     int32
	wg       sync.WaitGroup

	mu             sync.Mutex
	conns          map[net.Conn]struct{}
	closed         bool
	errs           []error
	partitions     map[string]*partition
	nextProducerID int64
}

// Start runs a broker on a free 127.0.0.1 port and closes it when the test
// ends. The cleanup fails the test if the broker received a request that it
// could not decode or does not serve.
func Start(t testing.TB) *Broker {
	t.Helper()
	b, err := listen()
	if err != nil {
		t.Fatalf("failed to start the Kafka broker: %v", err)
	}
	t.Cleanup(func() {
		b.Close()
		for _, err := range b.Errors() {
			t.Errorf("kafka broker %s: %v", b.Addr, err)
		}
	})
	return b
}

func listen() (*Broker, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("failed to listen on 127.0.0.1: %w", err)
	}
	host, portText, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("failed to split address %s: %w", l.Addr(), err), l.Close())
	}
	port, err := strconv.ParseInt(portText, 10, 32)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("invalid port %q: %w", portText, err), l.Close())
	}

	b := &Broker{
		Addr:           l.Addr().String(),
		listener:       l,
		host:           host,
		port:           int32(port),
		conns:          map[net.Conn]struct{}{},
		partitions:     map[string]*partition{},
		nextProducerID: 1,
	}
	b.wg.Add(1)
	go b.acceptLoop()
	return b, nil
}

// Close stops the listener, closes every client connection and waits for
// their goroutines to return. Calling Close again does nothing.
func (b *Broker) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	_ = b.listener.Close()
	for conn := range b.conns {
		_ = conn.Close()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

// Errors returns the protocol errors that the broker recorded so far:
// requests it could not decode, and API keys or versions it does not serve.
func (b *Broker) Errors() []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]error(nil), b.errs...)
}

func (b *Broker) recordError(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errs = append(b.errs, err)
}

func (b *Broker) acceptLoop() {
	defer b.wg.Done()
	for {
		conn, err := b.listener.Accept()
		if err != nil {
			return // the listener is closed
		}
		if !b.track(conn) {
			_ = conn.Close()
			return
		}
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			defer b.untrack(conn)
			b.serve(conn)
		}()
	}
}

func (b *Broker) track(conn net.Conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.conns[conn] = struct{}{}
	return true
}

func (b *Broker) untrack(conn net.Conn) {
	b.mu.Lock()
	delete(b.conns, conn)
	b.mu.Unlock()
	_ = conn.Close()
}
