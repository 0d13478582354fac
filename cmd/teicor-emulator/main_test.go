package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/matryer/is"
)

// buildEmulator compiles this command into a temporary directory.
func buildEmulator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "teicor-emulator")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitForFile polls path until it has content or the deadline passes.
func waitForFile(t *testing.T, path string, deadline time.Duration) string {
	t.Helper()
	stop := time.Now().Add(deadline)
	for time.Now().Before(stop) {
		if raw, err := os.ReadFile(path); err == nil && len(raw) > 0 {
			return strings.TrimSpace(string(raw))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s not written within %s", path, deadline)
	return ""
}

func TestEmulatorCommand(t *testing.T) {
	is := is.New(t)
	bin := buildEmulator(t)
	ready := filepath.Join(t.TempDir(), "ready")
	var stdout bytes.Buffer
	cmd := exec.CommandContext(context.Background(), bin, "-addr", "127.0.0.1:0", "-ready-file", ready, "-team", "acme", "-app", "sync", "-token", "tkmkt_cmd")
	cmd.Stdout = &stdout
	is.NoErr(cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	baseURL := waitForFile(t, ready, 20*time.Second)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+"/api/v1/teams/acme/apps/sync/context", nil)
	is.NoErr(err)
	req.Header.Set("Authorization", "Bearer tkmkt_cmd")
	req.Header.Set("X-Teicor-App-Slug", "sync")
	resp, err := http.DefaultClient.Do(req)
	is.NoErr(err)
	defer resp.Body.Close()
	var body map[string]any
	is.NoErr(json.NewDecoder(resp.Body).Decode(&body))

	is.Equal(resp.StatusCode, http.StatusOK)
	is.Equal(body["team_slug"], "acme")
	is.Equal(body["runtime_url"], baseURL)

	is.NoErr(cmd.Process.Signal(syscall.SIGTERM))
	is.NoErr(cmd.Wait()) // exits 0 on SIGTERM
	is.True(strings.Contains(stdout.String(), baseURL))
	is.True(strings.Contains(stdout.String(), "TEICOR_SERVICE_TOKEN=tkmkt_cmd"))
	is.True(strings.Contains(stdout.String(), "TEICOR_BASE_URL="+baseURL))
	is.True(strings.Contains(stdout.String(), "TEICOR_TEAM_SLUG=acme TEICOR_APP_SLUG=sync"))
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args  []string
		valid bool
	}{
		{[]string{"-addr", "127.0.0.1:8089"}, true},
		{[]string{"-addr", "[::1]:0"}, true},
		{[]string{"-addr", "localhost:0"}, true},
		{[]string{"-addr", "0.0.0.0:8089"}, false},
		{[]string{"-addr", "192.168.1.2:8089"}, false},
		{[]string{"-addr", ":8089"}, false},
		{[]string{"-addr", "nonsense"}, false},
		{[]string{"extra"}, false},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			is := is.New(t)
			_, err := parseFlags(tc.args)
			is.Equal(err == nil, tc.valid)
		})
	}
}

func TestLoadSeedFlag(t *testing.T) {
	is := is.New(t)

	demo, demoErr := loadSeed("demo")
	none, noneErr := loadSeed("none")
	_, fileErr := loadSeed(filepath.Join(t.TempDir(), "missing.json"))

	is.NoErr(demoErr)
	is.True(len(demo.Schemas) > 0)
	is.NoErr(noneErr)
	is.True(none == nil)
	is.True(fileErr != nil)
}
