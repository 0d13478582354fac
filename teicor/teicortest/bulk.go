package teicortest

import (
	"fmt"
	"net/http"
	"time"
)

// On-conflict modes of bulk upsert.
const (
	onConflictOverwrite = "overwrite"
	onConflictSkip      = "skip"
	onConflictError     = "error"
)

type bulkResult struct {
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Skipped   int      `json:"skipped"`
	RecordIDs []string `json:"record_ids"`
}

// bulkUpsert applies inputs in order, atomically: on any error every
// change it made is rolled back and the error is returned. A conflict is
// an existing record (or an earlier input) with the same value in a unique
// column. Every record the request creates or updates gets the same
// updated_at, and the table's watermark advances once.
func (st *store) bulkUpsert(t *table, inputs []map[string]any, onConflict string, now time.Time) (*bulkResult, error) {
	res := &bulkResult{RecordIDs: make([]string, 0, len(inputs))}
	var undo []func()
	rollback := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}

	for i, data := range inputs {
		id, change, err := st.upsertOne(t, data, i, onConflict, now)
		if err != nil {
			rollback()
			return nil, err
		}
		res.RecordIDs = append(res.RecordIDs, id)
		switch change.kind {
		case "created":
			res.Created++
		case "updated":
			res.Updated++
		default:
			res.Skipped++
		}
		if change.undo != nil {
			undo = append(undo, change.undo)
		}
	}

	if res.Created+res.Updated > 0 {
		t.touchData(st, now)
	}
	return res, nil
}

type bulkChange struct {
	kind string // created, updated or skipped
	undo func()
}

func (st *store) upsertOne(t *table, data map[string]any, index int, onConflict string, now time.Time) (string, bulkChange, error) {
	clean, err := t.prepareData(data, index, false)
	if err != nil {
		return "", bulkChange{}, err
	}
	ids, colID := t.findUnique(clean, "")
	if len(ids) > 1 {
		return "", bulkChange{}, bulkConflict(index, colID, fmt.Sprintf("values match different records %v in unique columns", ids))
	}

	if len(ids) == 0 {
		if _, err := t.prepareData(data, index, true); err != nil {
			return "", bulkChange{}, err
		}
		rec := &record{id: st.newID("rec"), data: clean, createdAt: now, updatedAt: now}
		t.insert(rec)
		return rec.id, bulkChange{kind: "created", undo: func() { t.undoInsert(rec) }}, nil
	}

	existing := t.record(ids[0])
	switch onConflict {
	case onConflictSkip:
		return existing.id, bulkChange{kind: "skipped"}, nil
	case onConflictError:
		return "", bulkChange{}, bulkConflict(index, colID, "record "+existing.id+" already has this value")
	}
	return existing.id, bulkChange{kind: "updated", undo: t.merge(existing, clean, now)}, nil
}

func bulkConflict(index int, colID, reason string) *apiError {
	e := errConflict("record %d conflicts in unique column %s: %s", index, colID, reason)
	e.Details = map[string]any{"index": index, "column_id": colID, "reason": reason}
	return e
}

// decodeBulkRequest reads and checks a bulk upsert body and returns the
// record data and the on_conflict mode.
func (s *Server) decodeBulkRequest(r *http.Request) ([]map[string]any, string, error) {
	var req struct {
		Records []struct {
			Data map[string]any `json:"data"`
		} `json:"records"`
		OnConflict string `json:"on_conflict"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, "", err
	}
	if req.OnConflict == "" {
		req.OnConflict = onConflictOverwrite
	}
	switch req.OnConflict {
	case onConflictOverwrite, onConflictSkip, onConflictError:
	default:
		return nil, "", errBadRequest("invalid on_conflict %q: use overwrite, skip or error", req.OnConflict)
	}
	if req.Records == nil {
		return nil, "", errBadRequest("missing \"records\": send {\"records\": [{\"data\": {...}}]}")
	}
	if len(req.Records) > s.cfg.limits.MaxBulk {
		return nil, "", errTooLarge("%d records in one bulk request, the maximum is %d: split it into chunks", len(req.Records), s.cfg.limits.MaxBulk)
	}
	inputs := make([]map[string]any, len(req.Records))
	for i, rec := range req.Records {
		if rec.Data == nil {
			return nil, "", errBadRequest("record %d has no \"data\" object", i)
		}
		inputs[i] = rec.Data
	}
	return inputs, req.OnConflict, nil
}

func (s *Server) bulkUpsert(r *http.Request) (int, any, error) {
	inputs, onConflict, err := s.decodeBulkRequest(r)
	if err != nil {
		return 0, nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.data.tableByID(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	res, err := s.data.bulkUpsert(t, inputs, onConflict, s.clock.Now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}
