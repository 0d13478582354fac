package pgtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"
)

func TestFirstBinDirChoosesComplete(t *testing.T) {
	is := is.New(t)
	onlyInitdb := t.TempDir()
	complete := t.TempDir()
	for _, path := range []string{
		filepath.Join(onlyInitdb, "initdb"),
		filepath.Join(complete, "initdb"),
		filepath.Join(complete, "pg_ctl"),
	} {
		is.NoErr(os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755))
	}

	dir, err := firstBinDir([]string{onlyInitdb, complete})
	is.NoErr(err)
	is.Equal(dir, complete) // folder without pg_ctl skipped
}

func TestFirstBinDirNamesPackage(t *testing.T) {
	is := is.New(t)
	empty := t.TempDir()

	_, err := firstBinDir([]string{empty})
	is.True(err != nil)                                     // no binaries found
	is.True(strings.Contains(err.Error(), "postgresql-15")) // names the package to install
	is.True(strings.Contains(err.Error(), empty))           // names the searched folder
}
