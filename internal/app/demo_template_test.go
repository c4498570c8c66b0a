package app

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The SQLite demo city is generated once per test binary and copied for every test that starts
// it. Generating it (households, cases, a month of monitoring feeds, canteens and a month of
// meals) takes tens of seconds and two dozen tests start it; a copy of its folder takes well under
// one. Each test still gets a database of its own, and the copy is started as a second run of
// `minzheng demo` on an existing folder is — which is what a bureau restarting its demo does, and
// the demo tests check that such a start adds nothing. PostgreSQL tests generate their city in
// their own schema, as before: a schema cannot be copied as a folder can.

// sqliteDemo is the generated folder, made on first use.
var sqliteDemo struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the generated demo folder after the package's tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if sqliteDemo.dir != "" {
		_ = os.RemoveAll(sqliteDemo.dir)
	}
	os.Exit(code)
}

// sqliteDemoDir is the folder of a demo city generated on SQLite at the current time by this test
// binary, generating it on the first call.
func sqliteDemoDir() (string, error) {
	sqliteDemo.once.Do(func() {
		dir, err := os.MkdirTemp("", "minzheng-demo-template-")
		if err != nil {
			sqliteDemo.err = err
			return
		}
		sqliteDemo.dir = dir
		m := NewMain()
		m.Demo = true
		m.Stdout, m.Stderr = io.Discard, io.Discard
		m.Getenv = func(string) string { return "" }
		m.Config.Addr = "127.0.0.1:0"
		m.Config.DataDir = dir
		if err := m.Run(context.Background()); err != nil {
			sqliteDemo.err = fmt.Errorf("generate the demo city: %w", err)
			return
		}
		sqliteDemo.err = m.Close()
	})
	return sqliteDemo.dir, sqliteDemo.err
}

// copyDemoDir copies the generated demo folder into dst, for one test's demo.
func copyDemoDir(t *testing.T, dst string) {
	t.Helper()
	src, err := sqliteDemoDir()
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		return copyFile(path, target)
	})
	if err != nil {
		t.Fatalf("copy the demo city: %v", err)
	}
}

// copyFile copies one file, keeping its permission bits.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
