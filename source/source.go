// Package source implements the Teicor source. It streams the rows of
// Teicor tables and the results of saved queries with the two-gate loop: a
// definition gate lists what changed since a cursor, then a data gate per
// item compares watermarks. Its progress lives in the positions of the
// records it emits.
package source

import (
	"context"
	"fmt"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// Source is the Teicor source connector.
type Source struct {
	sdk.UnimplementedSource

	config Config
	client *teicor.Client
	pos    Position

	tables  *tableSync
	queries *querySync

	phase    phase
	nextPoll time.Time
	polls    int
	buf      []opencdc.Record
}

type phase int

const (
	phaseWait phase = iota
	phaseTables
	phaseQueries
)

// New returns a new Teicor source wrapped in the SDK's default source
// middleware.
func New() sdk.Source {
	return sdk.SourceWithMiddleware(&Source{})
}

// Config returns the configuration that the SDK fills before Open.
func (s *Source) Config() sdk.SourceConfig {
	return &s.config
}

// Open connects to Teicor, checks that every configured table and query
// exists and restores the progress stored in pos.
func (s *Source) Open(ctx context.Context, pos opencdc.Position) error {
	logger := sdk.Logger(ctx)
	client, err := newClient(ctx, &s.config.Config)
	if err != nil {
		return err
	}
	s.client = client

	s.pos, err = ParsePosition(pos)
	if err != nil {
		return err
	}
	selection := s.config.fingerprint()
	if len(pos) > 0 && s.pos.Selection != selection {
		logger.Warn().Msg("baseURL, teamSlug, appSlug, tables or queries changed since the position " +
			"was written; restarting the initial sync")
		s.pos = Position{Version: positionVersion}
	}
	s.pos.Selection = selection

	if err := s.openTables(ctx); err != nil {
		return err
	}
	if err := s.openQueries(ctx); err != nil {
		return err
	}
	s.phase = phaseTables
	logger.Info().
		Strs("tables", s.config.Tables).
		Strs("queries", s.config.Queries).
		Bool("resuming", len(pos) > 0).
		Msg("teicor source opened")
	return nil
}

func (s *Source) openTables(ctx context.Context) error {
	if len(s.config.Tables) == 0 {
		s.pos.Tables = nil
		return nil
	}
	sel := newSelector(s.config.Tables)
	list, err := s.client.ListTables(ctx, teicor.ListTablesOptions{})
	if err != nil {
		return fmt.Errorf("list tables to check the tables setting: %w", err)
	}
	if err := sel.checkTables(list.Tables); err != nil {
		return err
	}
	sel.resolveTables(list.Tables)
	if s.pos.Tables == nil {
		s.pos.Tables = &TablesProgress{}
	}
	s.tables = &tableSync{
		client:   s.client,
		sel:      sel,
		pageSize: s.config.PageSize,
		prog:     s.pos.Tables,
		namer:    s.fieldNamer(),
		warned:   map[string]bool{},
	}
	return nil
}

func (s *Source) openQueries(ctx context.Context) error {
	if len(s.config.Queries) == 0 {
		s.pos.Queries = nil
		return nil
	}
	sel := newSelector(s.config.Queries)
	opts := s.listQueriesOptions(time.Time{})
	list, err := s.client.ListQueries(ctx, opts)
	if err != nil {
		return fmt.Errorf("list queries to check the queries setting: %w", err)
	}
	if err := sel.checkQueries(list.Queries); err != nil {
		return err
	}
	sel.resolveQueries(list.Queries)
	if s.pos.Queries == nil {
		s.pos.Queries = &QueryProgress{}
	}
	s.queries = &querySync{
		client: s.client,
		sel:    sel,
		opts:   s.listQueriesOptions,
		prog:   s.pos.Queries,
		namer:  s.fieldNamer(),
	}
	return nil
}

func (s *Source) fieldNamer() fieldNamer {
	enabled := s.config.PayloadEnabled
	return fieldNamer{avro: enabled != nil && *enabled, warned: map[string]bool{}}
}

func (s *Source) listQueriesOptions(since time.Time) teicor.ListQueriesOptions {
	return teicor.ListQueriesOptions{
		GroupID:      s.config.QueryGroupID,
		IncludeAll:   s.config.IncludeAllQueries,
		UpdatedSince: since,
	}
}

// ReadN returns up to n records. It blocks until at least one record is
// available, polling Teicor every pollInterval while nothing changes.
func (s *Source) ReadN(ctx context.Context, n int) ([]opencdc.Record, error) {
	for len(s.buf) == 0 {
		if err := s.step(ctx); err != nil {
			return nil, err
		}
	}
	n = min(n, len(s.buf))
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out, nil
}

// Read returns the next record. It blocks like ReadN.
func (s *Source) Read(ctx context.Context) (opencdc.Record, error) {
	records, err := s.ReadN(ctx, 1)
	if err != nil {
		return opencdc.Record{}, err
	}
	return records[0], nil
}

// step does one unit of work: one request of the current poll, or the wait
// for the next poll.
func (s *Source) step(ctx context.Context) error {
	switch s.phase {
	case phaseWait:
		if err := waitUntil(ctx, s.nextPoll); err != nil {
			return err
		}
		s.phase = phaseTables
		s.polls++
		return nil
	case phaseTables:
		if s.tables == nil {
			s.phase = phaseQueries
			return nil
		}
		full := s.config.FullCheckEvery > 0 && s.polls > 0 && s.polls%s.config.FullCheckEvery == 0
		done, err := s.tables.step(ctx, full, s)
		if done {
			s.phase = phaseQueries
		}
		return err
	default:
		if s.queries == nil {
			s.endPoll()
			return nil
		}
		full := s.config.FullCheckEvery > 0 && s.polls > 0 && s.polls%s.config.FullCheckEvery == 0
		done, err := s.queries.step(ctx, full, s)
		if done {
			s.endPoll()
		}
		return err
	}
}

func (s *Source) endPoll() {
	s.phase = phaseWait
	s.nextPoll = time.Now().Add(s.config.PollInterval)
}

// position returns the current progress, for the record being built.
func (s *Source) position() opencdc.Position {
	return s.pos.Encode()
}

// push appends a record to the records ReadN returns.
func (s *Source) push(rec opencdc.Record) {
	s.buf = append(s.buf, rec)
}

// Ack is a no-op: every position carries the whole progress, so Conduit's
// record of the last acked position is all a restart needs.
func (s *Source) Ack(context.Context, opencdc.Position) error {
	return nil
}

// Teardown closes the client's idle connections.
func (s *Source) Teardown(ctx context.Context) error {
	if s.tables != nil {
		s.tables.stopPrefetch()
	}
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	sdk.Logger(ctx).Info().Msg("teicor source stopped")
	return nil
}

func waitUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
