package conduitrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// FileRecord is one record as Conduit's builtin file destination writes it
// in its default opencdc/json format.
type FileRecord struct {
	Operation string            `json:"operation"`
	Metadata  map[string]string `json:"metadata"`
	// Key is a map for structured keys and a base64 string for raw keys.
	Key     any `json:"key"`
	Payload struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	} `json:"payload"`
}

// Collection returns the opencdc.collection metadata of the record.
func (r FileRecord) Collection() string {
	return r.Metadata["opencdc.collection"]
}

// KeyField returns the field name of a structured key, and nil for a raw key
// or a missing field.
func (r FileRecord) KeyField(name string) any {
	fields, ok := r.Key.(map[string]any)
	if !ok {
		return nil
	}
	return fields[name]
}

// ReadFileRecords parses the complete lines of a file destination's output.
// A missing file returns no records, and a line still being written is left
// for the next call, so the output can be polled while Conduit runs.
func ReadFileRecords(path string) ([]FileRecord, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read file destination output: %w", err)
	}

	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		return nil, nil
	}

	var records []FileRecord
	for i, line := range bytes.Split(data[:end], []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec FileRecord
		decoder := json.NewDecoder(bytes.NewReader(line))
		decoder.UseNumber()
		if err := decoder.Decode(&rec); err != nil {
			return nil, fmt.Errorf("invalid record on line %d of %s: %w", i+1, path, err)
		}
		records = append(records, rec)
	}
	return records, nil
}
