package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// maxHotQueries bounds the query marks kept in the position. A query mark
// is small, so more are kept than table marks. A query whose mark was
// evicted emits its next result as updates, without deletes for rows that
// are gone.
const maxHotQueries = 64

// querySync runs the two-gate loop over saved queries: list the queries
// updated since the cursor, then fetch each one's data with its stored
// watermark and emit the whole result when it changed.
//
// A result has no row ids, so rows are keyed by their index. Rows beyond
// the new result's length that the previous result had are emitted as
// deletes. Every row of a result but the last carries the position from
// before the result, so a restart emits an interrupted result again in
// full rather than resuming inside a result that may have changed.
type querySync struct {
	client *teicor.Client
	sel    selector
	opts   func(since time.Time) teicor.ListQueriesOptions
	prog   *QueryProgress
	namer  fieldNamer

	listed bool
	queue  []teicor.Query
}

func (q *querySync) step(ctx context.Context, full bool, emit emitter) (bool, error) {
	switch {
	case !q.listed:
		return false, q.list(ctx, full)
	case len(q.queue) > 0:
		next := q.queue[0]
		q.queue = q.queue[1:]
		return false, q.read(ctx, next, emit)
	default:
		q.prog.Since = q.prog.Next
		q.prog.Next, q.prog.Done = 0, ""
		q.listed = false
		return true, nil
	}
}

func (q *querySync) list(ctx context.Context, full bool) error {
	since := fromMicros(q.prog.Since)
	opts := q.opts(since)
	if full {
		opts.UpdatedSince = time.Time{}
	}
	list, err := q.client.ListQueries(ctx, opts)
	if err != nil {
		return fmt.Errorf("list queries updated since %s: %w", since.Format(time.RFC3339Nano), err)
	}
	if q.prog.Next == 0 {
		updated := make([]time.Time, len(list.Queries))
		for i, query := range list.Queries {
			updated[i] = query.UpdatedAt
		}
		q.prog.Next = toMicros(nextCursor(since, list.ServerTime, updated))
	}
	q.queue = q.queue[:0]
	for _, query := range list.Queries {
		if q.sel.query(query) && (q.prog.Done == "" || query.ID > q.prog.Done) {
			q.queue = append(q.queue, query)
		}
	}
	slices.SortFunc(q.queue, func(a, b teicor.Query) int { return cmp.Compare(a.ID, b.ID) })
	q.listed = true
	return nil
}

// read runs the data gate for one query and emits its result when it
// changed.
func (q *querySync) read(ctx context.Context, query teicor.Query, emit emitter) error {
	mark, hot := q.mark(query.ID)
	res, err := q.client.GetQueryData(ctx, query.ID, mark.Watermark)
	if errors.Is(err, teicor.ErrNotFound) {
		sdk.Logger(ctx).Warn().Str("query_id", query.ID).Str("query", query.Name).
			Msg("query deleted after the definition gate; dropping it from the state")
		q.setMark(QueryMark{ID: query.ID}, false)
		q.prog.Done = query.ID
		return nil
	}
	if err != nil {
		return fmt.Errorf("get data of query %s (%s): %w", query.ID, query.Name, err)
	}
	if res.Unchanged {
		q.prog.Done = query.ID
		return nil
	}

	names := make([]string, len(res.Columns))
	for i, col := range res.Columns {
		names[i] = col.Name
	}
	fields := q.namer.names(ctx, query.Name, names)
	initial := q.prog.Since == 0
	total := max(len(res.Rows), mark.Rows)
	for i := range total {
		if i == total-1 {
			q.setMark(QueryMark{ID: query.ID, Watermark: res.SourceWatermark, Rows: len(res.Rows)}, true)
			q.prog.Done = query.ID
		}
		op := rowOperation(i, len(res.Rows), mark.Rows, hot, initial)
		var row map[string]any
		if i < len(res.Rows) {
			row = res.Rows[i]
		}
		emit.push(q.record(query, res, fields, i, row, op, emit.position()))
	}
	if total == 0 {
		q.setMark(QueryMark{ID: query.ID, Watermark: res.SourceWatermark}, true)
		q.prog.Done = query.ID
	}
	return nil
}

// rowOperation returns the operation of row i of a result with n rows,
// given the previous result's row count.
func rowOperation(i, n, previous int, hot, initial bool) opencdc.Operation {
	switch {
	case initial:
		return opencdc.OperationSnapshot
	case i >= n:
		return opencdc.OperationDelete
	case hot && i >= previous:
		return opencdc.OperationCreate
	default:
		return opencdc.OperationUpdate
	}
}

func (q *querySync) record(query teicor.Query, res *teicor.QueryResult, fields []string, i int,
	row map[string]any, op opencdc.Operation, pos opencdc.Position,
) opencdc.Record {
	meta := opencdc.Metadata{MetadataQueryID: query.ID}
	meta.SetCollection(query.Name)
	key := opencdc.StructuredData{"row": i}
	if op == opencdc.OperationDelete {
		return newRecord(op, pos, meta, key, nil)
	}
	payload := make(opencdc.StructuredData, len(res.Columns))
	for j, col := range res.Columns {
		payload[fields[j]] = convertValue(teicor.Column{Name: col.Name, Type: col.Type}, row[col.Name], q.namer.avro)
	}
	return newRecord(op, pos, meta, key, payload)
}

func (q *querySync) mark(id string) (QueryMark, bool) {
	for _, m := range q.prog.Hot {
		if m.ID == id {
			return m, true
		}
	}
	return QueryMark{ID: id}, false
}

// setMark stores the mark as the newest one, or only removes the old one
// when keep is false, and evicts the oldest beyond maxHotQueries.
func (q *querySync) setMark(mark QueryMark, keep bool) {
	var hot []QueryMark
	if keep {
		hot = append(hot, mark)
	}
	for _, m := range q.prog.Hot {
		if m.ID != mark.ID && len(hot) < maxHotQueries {
			hot = append(hot, m)
		}
	}
	q.prog.Hot = hot
}
