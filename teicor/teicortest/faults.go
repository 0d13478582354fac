package teicortest

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Route names, one per API operation, named after the methods of the
// Python SDK (teicor-sdk 0.3.0).
// They key fault injection, latency and request counters.
const (
	RouteGetContext      = "get_context"
	RouteGetCoreState    = "get_core_state"
	RoutePatchCoreState  = "patch_core_state"
	RouteToken           = "get_runtime_authority_token" //nolint:gosec // a route name, not a credential
	RouteListSchemas     = "list_schemas"
	RouteCreateSchema    = "create_schema"
	RouteUpdateSchema    = "update_schema"
	RouteDeleteSchema    = "delete_schema"
	RouteListTables      = "list_tables"
	RouteCreateTable     = "create_table"
	RouteGetTable        = "get_table"
	RouteUpdateTable     = "update_table"
	RouteDeleteTable     = "delete_table"
	RouteListColumns     = "list_columns"
	RouteCreateColumn    = "create_column"
	RouteUpdateColumn    = "update_column"
	RouteDeleteColumn    = "delete_column"
	RouteListRecords     = "list_records"
	RouteCreateRecord    = "create_record"
	RouteGetRecord       = "get_record"
	RouteUpdateRecord    = "update_record"
	RouteDeleteRecord    = "delete_record"
	RouteBulkUpsert      = "bulk_upsert"
	RouteTableSyncStatus = "get_table_sync_status"
	RouteListQueries     = "list_queries"
	RouteGetQuery        = "get_query"
	RouteExecuteQuery    = "execute_query"
	RouteGetQueryData    = "get_query_data"
)

// routeUnknown counts requests that match no route.
const routeUnknown = "unknown"

// Fault is one injected failure of a route.
//
// A Fault with a Status responds with that status and the contract's
// error body, plus a Retry-After header when RetryAfter > 0. Latency delays the
// request first. A Fault with Status 0 and Latency > 0 only delays the
// request, which is then served normally. Drop closes the connection
// without a response.
type Fault struct {
	Status     int
	Code       string // error code, or the code for Status when empty
	RetryAfter time.Duration
	Latency    time.Duration
	Drop       bool
}

type traffic struct {
	mu       sync.Mutex
	faults   map[string][]Fault
	latency  map[string]time.Duration
	requests map[string]int
	hook     func(route string)
}

func (t *traffic) init() {
	t.faults = map[string][]Fault{}
	t.latency = map[string]time.Duration{}
	t.requests = map[string]int{}
}

// InjectFaults queues faults for route. Each request on the route consumes
// one fault, in order, and the route serves normally once the queue is
// empty.
func (s *Server) InjectFaults(route string, faults ...Fault) {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	s.traffic.faults[route] = append(s.traffic.faults[route], faults...)
}

// SetLatency delays every request on route by d. The route "" applies to
// all routes, on top of any per-route latency. A d of 0 removes it.
func (s *Server) SetLatency(route string, d time.Duration) {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	if d <= 0 {
		delete(s.traffic.latency, route)
		return
	}
	s.traffic.latency[route] = d
}

// ClearFaults removes every queued fault and every latency setting.
func (s *Server) ClearFaults() {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	s.traffic.faults = map[string][]Fault{}
	s.traffic.latency = map[string]time.Duration{}
}

// Requests returns how many requests route received, faulted ones
// included. The route "" returns the total over all routes.
func (s *Server) Requests(route string) int {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	if route != "" {
		return s.traffic.requests[route]
	}
	total := 0
	for _, n := range s.traffic.requests {
		total += n
	}
	return total
}

// ResetRequests sets every request counter to zero.
func (s *Server) ResetRequests() {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	s.traffic.requests = map[string]int{}
}

// OnRequest sets a function that runs before each request is served, with
// the route name. It runs outside the data lock, so it may call admin
// helpers, for example to change data between two requests of a sync
// loop. A nil fn removes the hook.
func (s *Server) OnRequest(fn func(route string)) {
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	s.traffic.hook = fn
}

// admit counts the request and returns the hook, the delay and the fault
// to apply to it, if any.
func (t *traffic) admit(route string) (func(string), time.Duration, *Fault) {
	t.mu.Lock()
	defer t.mu.Unlock()

	t.requests[route]++
	delay := t.latency[""] + t.latency[route]

	queue := t.faults[route]
	if len(queue) == 0 {
		return t.hook, delay, nil
	}
	fault := queue[0]
	t.faults[route] = queue[1:]
	return t.hook, delay + fault.Latency, &fault
}

// sleepCtx waits for d or until ctx is done, and reports whether the full
// wait elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// applyFault writes the fault's response and reports whether the request
// is finished. A latency-only fault returns false so the request is served.
func applyFault(w http.ResponseWriter, f *Fault) bool {
	if f.Drop {
		dropConnection(w)
		return true
	}
	if f.Status == 0 {
		return false
	}
	if f.RetryAfter > 0 {
		secs := int((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	code := f.Code
	if code == "" {
		code = codeForStatus(f.Status)
	}
	writeError(w, &apiError{Status: f.Status, Code: code, Message: "injected fault: " + http.StatusText(f.Status)})
	return true
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
