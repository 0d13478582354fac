//go:generate go tool -modfile=tools/go.mod conn-sdk-cli specgen
//go:generate go tool -modfile=tools/go.mod conn-sdk-cli readmegen -w

// Package connector is the Teicor connector for Conduit: a source that
// streams changed table rows and query results, and a destination that
// writes records into Teicor tables with chunked bulk upserts.
package connector

import (
	sdk "github.com/conduitio/conduit-connector-sdk"

	"github.com/teicor/conduit-connector-teicor/destination"
	"github.com/teicor/conduit-connector-teicor/source"
)

// Connector combines the specification, the source and the destination
// that Conduit loads from this plugin.
var Connector = sdk.Connector{
	NewSpecification: Specification,
	NewSource:        source.New,
	NewDestination:   destination.New,
}
