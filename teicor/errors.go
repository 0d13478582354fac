package teicor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches the sentinel of its status code
// through errors.Is.
var (
	ErrInvalidRequest  = errors.New("teicor: invalid request")   // 400
	ErrUnauthorized    = errors.New("teicor: unauthorized")      // 401
	ErrForbidden       = errors.New("teicor: forbidden")         // 403
	ErrNotFound        = errors.New("teicor: not found")         // 404
	ErrConflict        = errors.New("teicor: conflict")          // 409
	ErrPayloadTooLarge = errors.New("teicor: payload too large") // 413
	ErrValidation      = errors.New("teicor: validation failed") // 422
	ErrRateLimited     = errors.New("teicor: rate limited")      // 429
	ErrUnavailable     = errors.New("teicor: unavailable")       // any 5xx
)

// APIError is a non-2xx response of the Teicor API.
type APIError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Code is the error code from the body, such as validation_failed.
	Code string
	// Message is the human-readable message from the body.
	Message string
	// Details carries extra fields, such as index and column_id of a 422.
	// Numbers are json.Number.
	Details map[string]any
	// RequestID is the X-Request-Id response header.
	RequestID string
	// RetryAfter is the Retry-After response header, or zero if absent.
	RetryAfter time.Duration
	// Operation is the SDK operation name, such as list_records.
	Operation string
}

// Error formats the error as
// "teicor: list_records: 422 validation_failed: <message> (request id X)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("teicor: ")
	if e.Operation != "" {
		b.WriteString(e.Operation + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Is reports whether target is the sentinel error of e's status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPayloadTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case ErrValidation:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnavailable:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// Index returns details.index: the position of the first failing record in
// a bulk request. The second result is false if the detail is absent.
func (e *APIError) Index() (int, bool) {
	switch v := e.Details["index"].(type) {
	case json.Number:
		i, err := strconv.Atoi(v.String())
		return i, err == nil
	case float64:
		return int(v), v == float64(int(v))
	case int:
		return v, true
	}
	return 0, false
}

// ColumnID returns details.column_id, or "" if absent.
func (e *APIError) ColumnID() string { return e.detailString("column_id") }

// Reason returns details.reason, or "" if absent.
func (e *APIError) Reason() string { return e.detailString("reason") }

func (e *APIError) detailString(key string) string {
	s, _ := e.Details[key].(string)
	return s
}

// retryable reports whether the request may succeed when sent again: 429
// and every 5xx status.
func (e *APIError) retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// errorBody is the error envelope of every non-2xx response.
type errorBody struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// newAPIError builds an *APIError from a non-2xx response and its body.
func newAPIError(op string, resp *http.Response, body []byte) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get(headerRequestID),
		RetryAfter: parseRetryAfter(resp.Header.Get(headerRetryAfter), time.Now()),
		Operation:  op,
	}
	var env errorBody
	if err := decodeJSON(body, &env); err == nil && env.Error.Code != "" {
		e.Code = env.Error.Code
		e.Message = env.Error.Message
		e.Details = env.Error.Details
		return e
	}
	// The body is not the JSON error envelope, for example an HTML page of
	// a proxy. Its text is left out because it may be long.
	e.Message = http.StatusText(resp.StatusCode)
	return e
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
// It returns zero for an absent or invalid header.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// transportError is a failure to send a request or to read its response,
// such as a refused or dropped connection. It is retryable.
type transportError struct {
	op  string
	err error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("teicor: %s: %v", e.op, e.err)
}

func (e *transportError) Unwrap() error { return e.err }
