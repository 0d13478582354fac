package connector

import (
	_ "embed"

	sdk "github.com/conduitio/conduit-connector-sdk"
)

//go:embed connector.yaml
var specs string

// version is set at build time with
// -ldflags "-X 'github.com/teicor/conduit-connector-teicor.version=v1.2.3'".
var version = "(devel)"

// Specification returns the connector's specification, read from the
// embedded connector.yaml, with the version set at build time.
var Specification = sdk.YAMLSpecification(specs, version)
