// Package pgtest starts a private PostgreSQL 15 server for one test, on a
// free loopback port with trust authentication, and stops it at cleanup.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// fallbackBinDir is the server binary folder of Debian's postgresql-15
// package.
const fallbackBinDir = "/usr/lib/postgresql/15/bin"

// startTimeout bounds the wait for the server to accept connections.
const startTimeout = 60 * time.Second

// commandTimeout bounds each run of initdb, pg_ctl and pg_config.
const commandTimeout = 2 * time.Minute

// maxPortAttempts is the number of starts made when another process takes
// the chosen port before the server binds it.
const maxPortAttempts = 3

// Postgres is a running PostgreSQL server owned by one test.
type Postgres struct {
	// DSN is the connection URL of the postgres database as user postgres,
	// for example postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable.
	DSN string
	// Port is the TCP port on 127.0.0.1.
	Port int
	// Dir is the folder with the data directory, socket and server log.
	Dir string

	binDir  string
	runAsPG bool
}

// Start initializes a cluster in a new folder, starts the server with
// wal_level=logical (so logical replication works) and waits until it
// accepts connections. Cleanup stops the server and removes the folder.
// When the test runs as root, the server runs as the postgres user because
// PostgreSQL refuses to run as root.
func Start(t testing.TB) *Postgres {
	t.Helper()
	pg := &Postgres{binDir: findBinDir(t), runAsPG: os.Geteuid() == 0}
	pg.Dir = pg.makeDir(t)

	if out, err := pg.run("initdb", "-D", pg.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb failed in %s: %v\n%s", pg.dataDir(), err, out)
	}

	var startErr error
	for attempt := 1; attempt <= maxPortAttempts; attempt++ {
		startErr = pg.startServer()
		if startErr == nil || !strings.Contains(startErr.Error(), "could not bind") {
			break
		}
	}
	if startErr != nil {
		t.Fatalf("failed to start postgres: %v", startErr)
	}
	t.Cleanup(func() { pg.stop(t) })

	if err := pg.waitReady(); err != nil {
		t.Fatalf("postgres on port %d does not accept connections: %v\n%s", pg.Port, err, pg.ServerLog())
	}
	return pg
}

// Connect opens a connection to the postgres database that closes at the
// end of the test.
func (pg *Postgres) Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	conn, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		t.Fatalf("failed to connect to %s: %v", pg.DSN, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// ServerLog returns what the server has written to its log file.
func (pg *Postgres) ServerLog() string {
	data, err := os.ReadFile(pg.logPath())
	if err != nil {
		return fmt.Sprintf("(failed to read postgres log: %v)", err)
	}
	return string(data)
}

func (pg *Postgres) dataDir() string { return filepath.Join(pg.Dir, "data") }
func (pg *Postgres) logPath() string { return filepath.Join(pg.Dir, "postgres.log") }

// findBinDir returns the folder with initdb and pg_ctl, asking pg_config
// first and falling back to the postgresql-15 package's folder.
func findBinDir(t testing.TB) string {
	t.Helper()
	var candidates []string
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	candidates = append(candidates, fallbackBinDir)

	dir, err := firstBinDir(candidates)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// firstBinDir returns the first of candidates that contains executable
// initdb and pg_ctl binaries.
func firstBinDir(candidates []string) (string, error) {
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found in %s: "+
		"install the Debian package postgresql-15", strings.Join(candidates, " or "))
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

// makeDir creates the server folder. As root it lives directly under the
// system temp folder and belongs to the postgres user, because the
// per-test folders of the testing package are private to root.
func (pg *Postgres) makeDir(t testing.TB) string {
	t.Helper()
	if !pg.runAsPG {
		return t.TempDir()
	}

	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		t.Fatalf("failed to create postgres folder: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	account, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("user postgres not found, which runs the server when tests run as root: "+
			"install the Debian package postgresql-15: %v", err)
	}
	uid, _ := strconv.Atoi(account.Uid)
	gid, _ := strconv.Atoi(account.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatalf("failed to give %s to user postgres: %v", dir, err)
	}
	return dir
}

// run executes a server binary, through runuser when running as root, and
// returns its combined output.
func (pg *Postgres) run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()

	path := filepath.Join(pg.binDir, name)
	cmd := exec.CommandContext(ctx, path, args...)
	if pg.runAsPG {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	cmd.Dir = pg.Dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// startServer picks a free port and runs pg_ctl start, which waits until
// the server is up. The error contains the server log.
func (pg *Postgres) startServer() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	pg.Port = port
	pg.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)

	options := strings.Join([]string{
		"-c listen_addresses=127.0.0.1",
		"-p " + strconv.Itoa(port),
		"-k " + pg.Dir,
		"-c fsync=off",
		"-c full_page_writes=off",
		"-c wal_level=logical",
		"-c max_replication_slots=10",
		"-c max_wal_senders=10",
		"-c shared_buffers=32MB",
	}, " ")
	out, err := pg.run("pg_ctl", "start", "-D", pg.dataDir(), "-l", pg.logPath(),
		"-w", "-t", strconv.Itoa(int(startTimeout.Seconds())), "-o", options)
	if err != nil {
		return fmt.Errorf("pg_ctl start on port %d failed: %w\n%s\n%s", port, err, out, pg.ServerLog())
	}
	return nil
}

// waitReady polls until a connection succeeds or startTimeout passes.
func (pg *Postgres) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()

	for {
		conn, err := pgx.Connect(ctx, pg.DSN)
		if err == nil {
			return conn.Close(ctx)
		}

		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("timed out after %s", startTimeout), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop shuts the server down without a checkpoint, since the data is
// thrown away.
func (pg *Postgres) stop(t testing.TB) {
	out, err := pg.run("pg_ctl", "stop", "-D", pg.dataDir(), "-m", "immediate", "-w")
	if err != nil {
		t.Errorf("pg_ctl stop failed for port %d: %v\n%s", pg.Port, err, out)
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to find a free loopback port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("failed to release port %d: %w", port, err)
	}
	return port, nil
}
