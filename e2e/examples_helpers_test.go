package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/teicor/conduit-connector-teicor/internal/conduitrun"
	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

// examplesDir is the folder of the pipeline examples, relative to this
// package.
const examplesDir = "../examples"

// exampleTimeout bounds each wait for data that an example pipeline moves.
const exampleTimeout = 2 * time.Minute

// examplePollInterval is the pause between two checks of a wait.
const examplePollInterval = 200 * time.Millisecond

// exampleVariablePattern matches the ${NAME} references that Conduit
// v0.14.0 replaces with environment variables in pipeline files.
var exampleVariablePattern = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// readExample returns the content of examples/name.
func readExample(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatalf("failed to read example %s: %v", name, err)
	}
	return string(data)
}

// exampleTeicorEnv returns the environment variables that point the
// examples' Teicor connectors at the emulator srv.
func exampleTeicorEnv(srv *teicortest.Server) []string {
	return []string{
		"TEICOR_BASE_URL=" + srv.URL,
		"TEICOR_TEAM_SLUG=" + srv.TeamSlug,
		"TEICOR_APP_SLUG=" + srv.AppSlug,
		"TEICOR_SERVICE_TOKEN=" + srv.ServiceToken,
	}
}

// startExample runs the example file unchanged in a new Conduit process
// with env added to its environment, and waits until pipeline id runs.
func startExample(t *testing.T, file, pipelineID string, env []string) *conduitrun.Conduit {
	t.Helper()
	c := launchExample(t, file, env)
	c.WaitPipelineRunning(pipelineID)
	return c
}

// launchExample runs the example file unchanged in a new Conduit process
// with env added to its environment, and returns once Conduit's API is
// up, whatever the state of the pipeline.
func launchExample(t *testing.T, file string, env []string) *conduitrun.Conduit {
	t.Helper()
	requireExampleVariables(t, file, env)
	conduitBin, connectorBin := conduitrun.Binaries(t)
	return conduitrun.Start(t, conduitrun.Options{
		ConduitBin:   conduitBin,
		ConnectorBin: connectorBin,
		Pipelines:    map[string]string{file: readExample(t, file)},
		Env:          env,
	})
}

// requireExampleVariables fails the test when the example references a
// variable that env does not set, because Conduit would silently replace
// it with an empty string.
func requireExampleVariables(t *testing.T, file string, env []string) {
	t.Helper()
	set := map[string]bool{}
	for _, entry := range env {
		name, _, _ := strings.Cut(entry, "=")
		set[name] = true
	}
	for _, name := range exampleVariables(readExample(t, file)) {
		if !set[name] {
			t.Fatalf("example %s references ${%s}, which the test does not set", file, name)
		}
	}
}

// exampleVariables returns the names of the ${NAME} references in a
// pipeline file, in order of first use.
func exampleVariables(content string) []string {
	var names []string
	seen := map[string]bool{}
	for _, match := range exampleVariablePattern.FindAllStringSubmatch(content, -1) {
		if !seen[match[1]] {
			seen[match[1]] = true
			names = append(names, match[1])
		}
	}
	return names
}

// waitExample calls check until it returns an empty difference, and fails
// the test with the last difference after exampleTimeout.
func waitExample(t *testing.T, what string, check func() (diff string)) {
	t.Helper()
	deadline := time.Now().Add(exampleTimeout)
	ticker := time.NewTicker(examplePollInterval)
	defer ticker.Stop()
	for {
		diff := check()
		if diff == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %s", exampleTimeout, what, diff)
		}
		<-ticker.C
	}
}
