package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
)

// TestPluginVersionFromBuild checks that `make build` sets the version
// through -ldflags, so that Conduit lists the plugin under a real version
// instead of the "(devel)" default of spec.go.
func TestPluginVersionFromBuild(t *testing.T) {
	is := is.New(t)
	conduitBin, connectorBin := conduitrun.Binaries(t)
	c := conduitrun.Start(t, conduitrun.Options{ConduitBin: conduitBin, ConnectorBin: connectorBin})

	plugins, err := c.ConnectorPlugins(context.Background())
	is.NoErr(err)

	var found []conduitrun.ConnectorPlugin
	for _, plugin := range plugins {
		if strings.HasPrefix(plugin.Name, "standalone:teicor@") {
			found = append(found, plugin)
		}
	}
	is.Equal(len(found), 1) // one teicor plugin loaded
	t.Logf("loaded %s", found[0].Name)
	is.True(found[0].Version != "")                                 // version set
	is.True(found[0].Version != "(devel)")                          // version from -ldflags, not the default
	is.True(strings.HasSuffix(found[0].Name, "@"+found[0].Version)) // name carries the version
}
