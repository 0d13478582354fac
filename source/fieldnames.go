package source

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/teicor"
)

// fieldNamer returns the payload field name of each column. Column names are
// used as they are, unless payload schema extraction is on and a name is not
// a valid Avro name ([A-Za-z_][A-Za-z0-9_]*). Avro cannot hold such a field,
// and the extraction would stop the pipeline. Those names get every
// other character replaced by "_", and a suffix when two names collide.
type fieldNamer struct {
	avro   bool
	warned map[string]bool
}

// names returns the field name for each of the given column names, in
// order, and logs one warning per renamed column of a collection.
func (f fieldNamer) names(ctx context.Context, collection string, columns []string) []string {
	out := make([]string, len(columns))
	if !f.avro {
		copy(out, columns)
		return out
	}
	used := map[string]bool{}
	for _, name := range columns {
		if validAvroName(name) {
			used[name] = true
		}
	}
	for i, name := range columns {
		if validAvroName(name) {
			out[i] = name
			continue
		}
		field := avroName(name)
		for n := 2; used[field]; n++ {
			field = fmt.Sprintf("%s_%d", avroName(name), n)
		}
		used[field] = true
		out[i] = field
		if f.warned[collection+"/"+name] {
			continue
		}
		f.warned[collection+"/"+name] = true
		sdk.Logger(ctx).Warn().Str("collection", collection).Str("column", name).Str("field", field).
			Msg("column name is not a valid Avro name, so its payload field is renamed; " +
				"set sdk.schema.extract.payload.enabled to false to keep column names")
	}
	return out
}

// payloadField is a column and the payload field it becomes.
type payloadField struct {
	column teicor.Column
	name   string
}

func validAvroName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func avroName(name string) string {
	var b strings.Builder
	for i, r := range name {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
