package app

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// runCLI runs one subcommand in-process against the data folder dir.
func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "MINZHENG_DATA" {
			return dir
		}
		return ""
	}}
	code := execute(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func TestCLIUserAuditAndKeys(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, dir, "user", "create", "--login", "chief", "--name", "首任管理员", "--role", "city_admin", "--scope", "3702", "--phone", "13800001234")
	if code != 0 || !strings.Contains(out, "initial password: ") {
		t.Fatalf("user create: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "user", "create", "--login", "chief", "--name", "重复", "--scope", "3702"); code != 1 || !strings.Contains(errOut, "已被使用") {
		t.Fatalf("duplicate login: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "user", "create", "--login", "x1x", "--name", "错", "--role", "street_officer", "--scope", "3702"); code != 1 || !strings.Contains(errOut, "scope") {
		t.Fatalf("street officer with city scope: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, dir, "user", "list")
	if code != 0 || !strings.Contains(out, "chief") || !strings.Contains(out, "must-change-password") {
		t.Fatalf("user list: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, dir, "user", "reset", "--login", "chief"); code != 0 || !strings.Contains(out, "new initial password") {
		t.Fatalf("user reset: %d %s", code, out)
	}
	code, out, errOut = runCLI(t, dir, "keys", "rotate", "--batch", "1")
	if code != 0 || !strings.Contains(out, "added key version 2") || !strings.Contains(out, "re-encrypted 1 values") {
		t.Fatalf("keys rotate: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, dir, "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit log OK") {
		t.Fatalf("audit verify: %d %s", code, out)
	}

	// Tamper with the log behind the application's back: verify must notice.
	m := NewMain()
	m.Stdout, m.Stderr, m.Getenv = io.Discard, io.Discard, func(string) string { return "" }
	m.Config.DataDir = dir
	svc, err := openServices(context.Background(), m.Config, discardLogger(), m.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.db.Exec(context.Background(), `UPDATE audit_log SET actor = 'someone' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	svc.db.Close()
	code, out, _ = runCLI(t, dir, "audit", "verify")
	if code != 1 || !strings.Contains(out, "BROKEN at row 2") {
		t.Fatalf("tampered audit verify: %d %s", code, out)
	}
}

func TestSubcommandHelp(t *testing.T) {
	for _, args := range [][]string{{"user", "create", "-h"}, {"user", "list", "-h"}, {"audit", "verify", "-h"}, {"keys", "rotate", "-h"}, {"user", "-h"}} {
		code, _, errOut := runCLI(t, t.TempDir(), args...)
		if code != 0 || !strings.Contains(errOut, "Usage: minzheng") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
