package source

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/conduitio/conduit-commons/opencdc"
)

// positionVersion is the version of the position format. Parse rejects
// other versions, so a format change must bump it and convert old positions.
const positionVersion = 1

// Position is the source's whole progress, carried by every record it emits.
// Restarting from the position of the last acked record resumes the sync
// after that record. It contains the definition-gate cursors and the
// watermarks of recently changed tables and queries. While a table is being
// read, it also contains the place in that table.
//
// Times are Unix microseconds, the precision of Teicor timestamps.
type Position struct {
	Version int `json:"v"`
	// Selection is a fingerprint of the configured tables and queries. A
	// position written for another selection restarts the initial sync.
	Selection string          `json:"sel,omitempty"`
	Tables    *TablesProgress `json:"t,omitempty"`
	Queries   *QueryProgress  `json:"q,omitempty"`
}

// TablesProgress is the progress of the table sync.
type TablesProgress struct {
	// Since is the definition-gate cursor: the updated_since of the next
	// list of tables. 0 means the initial sync has not finished.
	Since int64 `json:"s,omitempty"`
	// Next is the cursor that replaces Since when the current poll ends.
	// It is 0 between polls.
	Next int64 `json:"n,omitempty"`
	// Done is the id of the last table finished in the current poll. Tables
	// are processed in id order, so a restart skips ids up to Done.
	Done string `json:"d,omitempty"`
	// Hot holds the latest passes over recently changed tables, newest
	// first, bounded by maxHot. A table without an entry is read with Since
	// as its cutoff, which costs a full read but loses nothing.
	Hot []TableMark `json:"h,omitempty"`
	// Pass is the table being read, or nil.
	Pass *TablePass `json:"p,omitempty"`
}

// TableMark is the result of the last complete pass over one table.
type TableMark struct {
	ID string `json:"i"`
	// Watermark is the table's source_watermark read before the pass.
	Watermark string `json:"w,omitempty"`
	// Cutoff is the earliest updated_at that the next pass emits. Rows with
	// an updated_at at or after it that the pass already emitted, unchanged,
	// are listed in Boundary.
	Cutoff   int64             `json:"c"`
	Boundary map[string]uint64 `json:"b,omitempty"`
}

// TablePass is the state of a pass over one table that is in progress.
type TablePass struct {
	// Mark is the table's next entry in Hot, stored when the pass ends.
	Mark TableMark `json:"m"`
	// Filter is the mark of the previous pass: rows it already emitted are
	// skipped.
	Filter TableMark `json:"f"`
	// Offset is the offset of the next page.
	Offset int `json:"o,omitempty"`
	// LastCreated and LastID are the creation-order key of the last row read.
	LastCreated int64  `json:"lc,omitempty"`
	LastID      string `json:"li,omitempty"`
	// Overflow is set when more rows reached the boundary than it holds.
	Overflow bool `json:"x,omitempty"`
}

// QueryProgress is the progress of the query sync.
type QueryProgress struct {
	Since int64       `json:"s,omitempty"`
	Next  int64       `json:"n,omitempty"`
	Done  string      `json:"d,omitempty"`
	Hot   []QueryMark `json:"h,omitempty"`
}

// QueryMark is the result of the last emitted result of one query.
type QueryMark struct {
	ID        string `json:"i"`
	Watermark string `json:"w,omitempty"`
	// Rows is the number of rows of that result, so that the next result
	// can emit deletes for the rows that are gone.
	Rows int `json:"r,omitempty"`
}

// ParsePosition decodes a position that Encode wrote. A nil or empty
// position is the start of the initial sync.
func ParsePosition(p opencdc.Position) (Position, error) {
	if len(p) == 0 {
		return Position{Version: positionVersion}, nil
	}
	var pos Position
	if err := json.Unmarshal(p, &pos); err != nil {
		return Position{}, fmt.Errorf("invalid position %q: %w; "+
			"reset the pipeline's position to restart the sync", truncate(p), err)
	}
	if pos.Version != positionVersion {
		return Position{}, fmt.Errorf("invalid position %q: unsupported version %d, expected %d; "+
			"reset the pipeline's position to restart the sync", truncate(p), pos.Version, positionVersion)
	}
	if err := pos.validate(); err != nil {
		return Position{}, fmt.Errorf("invalid position %q: %w; "+
			"reset the pipeline's position to restart the sync", truncate(p), err)
	}
	return pos, nil
}

func (p Position) validate() error {
	if p.Tables != nil {
		if p.Tables.Pass != nil && p.Tables.Pass.Mark.ID == "" {
			return fmt.Errorf("table pass without a table id")
		}
		if p.Tables.Pass != nil && p.Tables.Pass.Offset < 0 {
			return fmt.Errorf("negative offset %d", p.Tables.Pass.Offset)
		}
		for _, m := range p.Tables.Hot {
			if m.ID == "" {
				return fmt.Errorf("table mark without a table id")
			}
		}
	}
	if p.Queries != nil {
		for _, m := range p.Queries.Hot {
			if m.ID == "" || m.Rows < 0 {
				return fmt.Errorf("invalid query mark for %q", m.ID)
			}
		}
	}
	return nil
}

func truncate(p []byte) string {
	const maxShown = 120
	if len(p) > maxShown {
		return string(p[:maxShown]) + "..."
	}
	return string(p)
}

func toMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
