// Command connector serves the Teicor connector as a standalone Conduit
// plugin.
package main

import (
	sdk "github.com/conduitio/conduit-connector-sdk"

	connector "github.com/teicor/conduit-connector-teicor"
)

func main() {
	sdk.Serve(connector.Connector)
}
