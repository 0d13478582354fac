package teicortest_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func TestFaultSequence(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.srv.InjectFaults(teicortest.RouteListSchemas,
		teicortest.Fault{Status: 503, RetryAfter: 2 * time.Second},
		teicortest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond},
		teicortest.Fault{Status: 500, Code: "custom_code"},
	)

	first := c.runtime(http.MethodGet, "api/schemas", nil)
	second := c.runtime(http.MethodGet, "api/schemas", nil)
	third := c.runtime(http.MethodGet, "api/schemas", nil)
	fourth := c.runtime(http.MethodGet, "api/schemas", nil)

	is.Equal(first.status, 503)
	is.Equal(first.errorCode(), "unavailable")
	is.Equal(first.header.Get("Retry-After"), "2")
	is.True(first.header.Get("X-Request-Id") != "")
	is.Equal(second.status, 429)
	is.Equal(second.errorCode(), "rate_limited")
	is.Equal(second.header.Get("Retry-After"), "2") // rounded up to whole seconds
	is.Equal(third.errorCode(), "custom_code")
	is.Equal(third.header.Get("Retry-After"), "")
	is.Equal(fourth.status, http.StatusOK)
	is.Equal(c.srv.Requests(teicortest.RouteListSchemas), 4)
}

func TestFaultOnOtherRouteIsKept(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.srv.InjectFaults(teicortest.RouteListTables, teicortest.Fault{Status: 502})

	schemas := c.runtime(http.MethodGet, "api/schemas", nil)
	tables := c.runtime(http.MethodGet, "api/tables", nil)

	is.Equal(schemas.status, http.StatusOK)
	is.Equal(tables.status, http.StatusBadGateway)
}

func TestFaultBeforeAuth(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.srv.InjectFaults(teicortest.RouteGetContext, teicortest.Fault{Status: 503})

	resp := c.send(http.MethodGet, c.corePath("/context"), nil, nil)

	is.Equal(resp.status, http.StatusServiceUnavailable) // a fault responds before the auth check, like a proxy in front of the API
}

func TestClearFaults(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.srv.InjectFaults(teicortest.RouteListSchemas, teicortest.Fault{Status: 503})
	c.srv.SetLatency("", time.Minute)

	c.srv.ClearFaults()
	resp := c.runtime(http.MethodGet, "api/schemas", nil)

	is.Equal(resp.status, http.StatusOK)
}

func TestLatency(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	const delay = 60 * time.Millisecond
	c.srv.SetLatency(teicortest.RouteListSchemas, delay)

	start := time.Now()
	slow := c.runtime(http.MethodGet, "api/schemas", nil)
	slowTook := time.Since(start)
	c.srv.SetLatency(teicortest.RouteListSchemas, 0)

	is.Equal(slow.status, http.StatusOK)
	is.True(slowTook >= delay)
}

func TestLatencyOnlyFault(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	const delay = 50 * time.Millisecond
	c.srv.InjectFaults(teicortest.RouteListSchemas, teicortest.Fault{Latency: delay})

	start := time.Now()
	resp := c.runtime(http.MethodGet, "api/schemas", nil)

	is.Equal(resp.status, http.StatusOK)
	is.True(time.Since(start) >= delay)
}

func TestDropFault(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	c.srv.InjectFaults(teicortest.RouteListSchemas, teicortest.Fault{Drop: true})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.srv.RuntimeURL+"/api/schemas", nil)
	is.NoErr(err)
	req.Header.Set("Authorization", "Bearer "+c.token)

	resp, dropErr := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	after := c.runtime(http.MethodGet, "api/schemas", nil)

	is.True(dropErr != nil)
	is.Equal(after.status, http.StatusOK)
	is.Equal(c.srv.Requests(teicortest.RouteListSchemas), 2)
}

func TestRequestCounters(t *testing.T) {
	is := is.New(t)
	c := newClient(t) // the client already requested one token

	c.runtime(http.MethodGet, "api/schemas", nil)
	c.runtime(http.MethodGet, "api/tables", nil)
	c.runtime(http.MethodGet, "api/tables", nil)
	c.runtime(http.MethodGet, "api/unknown", nil)

	is.Equal(c.srv.Requests(teicortest.RouteToken), 1)
	is.Equal(c.srv.Requests(teicortest.RouteListTables), 2)
	is.Equal(c.srv.Requests(""), 5)
	c.srv.ResetRequests()
	is.Equal(c.srv.Requests(""), 0)
}

func TestOnRequestChangesData(t *testing.T) {
	is := is.New(t)
	c := newClient(t)
	ref := newTable(t, c.srv, colSpec("n", "number", nil))
	var mu sync.Mutex
	var routes []string
	c.srv.OnRequest(func(route string) {
		mu.Lock()
		routes = append(routes, route)
		mu.Unlock()
		if route == teicortest.RouteTableSyncStatus {
			if _, err := c.srv.InsertRows(ref.ID, map[string]any{"n": 1}); err != nil {
				t.Errorf("insert row from hook: %v", err)
			}
		}
	})

	list := c.runtime(http.MethodGet, "api/tables", nil)
	status := c.runtime(http.MethodGet, "api/tables/"+ref.ID+"/sync-status", nil)
	c.srv.OnRequest(nil)

	is.Equal(items(t, list.body, "tables")[0]["row_count"], float64(0))
	is.Equal(status.status, http.StatusOK)
	is.Equal(c.srv.RowCount(ref.ID), 1)
	mu.Lock()
	defer mu.Unlock()
	is.Equal(routes, []string{teicortest.RouteListTables, teicortest.RouteTableSyncStatus})
}

func TestLoggerRecordsErrors(t *testing.T) {
	is := is.New(t)
	var buf syncBuffer
	c := newClient(t, teicortest.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	c.srv.InjectFaults(teicortest.RouteListTables, teicortest.Fault{Status: 503})

	c.runtime(http.MethodGet, "api/tables", nil)
	c.runtime(http.MethodGet, "api/tables/tbl_nope", nil)
	logged := buf.String()

	is.True(strings.Contains(logged, "route=list_tables"))
	is.True(strings.Contains(logged, "status=503"))
	is.True(strings.Contains(logged, "route=get_table"))
	is.True(strings.Contains(logged, "code=not_found"))
	is.True(!strings.Contains(logged, c.token))
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
