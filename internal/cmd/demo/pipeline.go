package main

import (
	"fmt"
	"strconv"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// tokenEnv is the environment variable that carries the service token to
// Conduit, so that the pipeline file does not contain it.
const tokenEnv = "TEICOR_SERVICE_TOKEN"

// pipelineID is the id of the demo pipeline in Conduit.
const pipelineID = "teicor-demo"

// pipelineYAML returns a pipeline from every table of srv to a file
// destination at outPath.
func pipelineYAML(srv *teicortest.Server, outPath string) string {
	return fmt.Sprintf(`version: "2.2"
pipelines:
  - id: %s
    status: running
    description: Copies every Teicor table to a JSON lines file.
    connectors:
      - id: teicor
        type: source
        plugin: standalone:teicor
        settings:
          baseURL: %s
          teamSlug: %s
          appSlug: %s
          serviceToken: ${%s}
          tables: "*"
          pollInterval: 1s
      - id: file
        type: destination
        plugin: builtin:file
        settings:
          path: %s
`, pipelineID, strconv.Quote(srv.URL), strconv.Quote(srv.TeamSlug), strconv.Quote(srv.AppSlug),
		tokenEnv, strconv.Quote(outPath))
}
