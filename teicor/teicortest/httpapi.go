package teicortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxBodyBytes is the largest request body the emulator reads. Larger
// bodies get 413, which protects the emulator from runaway input.
const maxBodyBytes = 64 << 20

// apiError is an error response of the contract:
// {"error": {"code", "message", "details"}}.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errBadRequest(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: fmt.Sprintf(format, args...)}
}

func errConflict(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "conflict", Message: fmt.Sprintf(format, args...)}
}

func errTooLarge(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: fmt.Sprintf(format, args...)}
}

// errValidation is a 422 naming the input index (-1 when the request has
// a single record), the column and the reason.
func errValidation(index int, columnID, reason string) *apiError {
	details := map[string]any{"column_id": columnID, "reason": reason}
	msg := fmt.Sprintf("invalid value for column %s: %s", columnID, reason)
	if index >= 0 {
		details["index"] = index
		msg = fmt.Sprintf("record %d: %s", index, msg)
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Message: msg, Details: details}
}

func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusUnprocessableEntity:
		return "validation_failed"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusInternalServerError:
		return "internal"
	}
	if status >= 500 {
		return "unavailable"
	}
	return "invalid_request"
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if status == http.StatusNoContent || body == nil {
		w.WriteHeader(status)
		return
	}
	buf, err := json.Marshal(body)
	if err != nil {
		writeError(w, &apiError{Status: 500, Code: "internal", Message: "encode response: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)+1))
	w.WriteHeader(status)
	// A failed write means the client went away, and nothing is left to do.
	_, _ = w.Write(append(buf, '\n'))
}

func writeError(w http.ResponseWriter, e *apiError) {
	inner := map[string]any{"code": e.Code, "message": e.Message}
	if len(e.Details) > 0 {
		inner["details"] = e.Details
	} else {
		inner["details"] = map[string]any{}
	}
	writeJSON(w, e.Status, map[string]any{"error": inner})
}

// handlerFunc serves one API operation. It returns the status and body of
// a success, or an error that is written as the contract's error body.
type handlerFunc func(r *http.Request) (int, any, error)

// decodeBody decodes a JSON request body into v. Numbers are decoded as
// json.Number so column precision can be checked exactly.
func decodeBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return errBadRequest("read request body: %v", err)
	}
	if len(raw) > maxBodyBytes {
		return errTooLarge("request body is larger than %d bytes", maxBodyBytes)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return errBadRequest("missing JSON request body")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return errBadRequest("invalid JSON request body: %v", err)
	}
	if dec.More() {
		return errBadRequest("invalid JSON request body: unexpected data after the JSON value")
	}
	return nil
}

// asAPIError converts any handler error into an apiError. Other errors
// become 500 internal.
func asAPIError(err error) *apiError {
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: err.Error()}
}
