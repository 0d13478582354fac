package source

import (
	"context"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// pageRequest identifies one list_records request of a pass.
type pageRequest struct {
	tableID     string
	from, limit int
}

// prefetch is a page request running in the background while the records
// of the previous page are emitted, so that Conduit does not wait for the
// round trip between two pages.
type prefetch struct {
	req    pageRequest
	cancel context.CancelFunc
	done   chan struct{}
	page   *teicor.RecordPage
	err    error
}

// startPrefetch requests the page of req in the background. The request
// does not use the caller's context, because it outlives the ReadN call
// that starts it. stopPrefetch or the next fetchPage ends it.
func (t *tableSync) startPrefetch(req pageRequest) {
	t.stopPrefetch()
	ctx, cancel := context.WithCancel(context.Background())
	p := &prefetch{req: req, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		opts := teicor.ListRecordsOptions{Limit: req.limit, Offset: req.from}
		p.page, p.err = t.client.ListRecords(ctx, req.tableID, opts)
	}()
	t.next = p
}

// fetchPage returns the page of req, from the prefetch when it requested the
// same page, or else with a new request.
func (t *tableSync) fetchPage(ctx context.Context, req pageRequest) (*teicor.RecordPage, error) {
	if p := t.next; p != nil && p.req == req {
		t.next = nil
		defer p.cancel()
		select {
		case <-p.done:
			return p.page, p.err
		case <-ctx.Done():
			p.cancel()
			<-p.done
			return nil, ctx.Err()
		}
	}
	t.stopPrefetch()
	opts := teicor.ListRecordsOptions{Limit: req.limit, Offset: req.from}
	return t.client.ListRecords(ctx, req.tableID, opts)
}

// stopPrefetch cancels a running prefetch and waits for it to end.
func (t *tableSync) stopPrefetch() {
	if t.next == nil {
		return
	}
	t.next.cancel()
	<-t.next.done
	t.next = nil
}
