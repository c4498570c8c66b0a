package pii

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fixed test keys: bytes 0..31 and 32..63 and 64..95.
var (
	keyA = base64.StdEncoding.EncodeToString(seq(0))
	keyB = base64.StdEncoding.EncodeToString(seq(32))
	keyH = base64.StdEncoding.EncodeToString(seq(64))
)

func seq(from byte) []byte {
	b := make([]byte, KeySize)
	for i := range b {
		b[i] = from + byte(i)
	}
	return b
}

// mustKeyring parses a key file written in a test.
func mustKeyring(t testing.TB, text string) *Keyring {
	t.Helper()
	kr, err := ParseKeyring([]byte(text))
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return kr
}

func TestParseKeyring(t *testing.T) {
	text := "\ufeff# test keys\n\n  aead 2 " + keyB + "\r\naead 1 " + keyA + "\nhmac " + keyH + "\n"
	kr := mustKeyring(t, text)
	if d := cmp.Diff([]int{1, 2}, kr.Versions()); d != "" {
		t.Errorf("Versions (-want +got):\n%s", d)
	}
	if kr.Current() != 2 {
		t.Errorf("Current = %d, want 2", kr.Current())
	}
	want := "aead 1 " + keyA + "\naead 2 " + keyB + "\nhmac " + keyH + "\n"
	got := string(kr.Marshal())
	if !strings.HasSuffix(got, want) {
		t.Errorf("Marshal =\n%s\nwant it to end with\n%s", got, want)
	}
	again := mustKeyring(t, got)
	if !bytes.Equal(again.Marshal(), kr.Marshal()) {
		t.Error("Marshal does not round-trip through ParseKeyring")
	}
}

func TestParseKeyringErrors(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(seq(0)[:16])
	zero := base64.StdEncoding.EncodeToString(make([]byte, KeySize))
	tests := []struct {
		name string
		text string
		want string
	}{
		{"empty", "", "no aead key"},
		{"only comments", "# nothing\n", "no aead key"},
		{"no aead", "hmac " + keyH, "no aead key"},
		{"missing hmac", "aead 1 " + keyA, "missing hmac key"},
		{"short aead key", "aead 1 " + keyA + "\naead 2 " + short, "line 2: aead 2: key must be 32 bytes, got 16"},
		{"short hmac key", "aead 1 " + keyA + "\nhmac " + short, "line 2: hmac: key must be 32 bytes, got 16"},
		{"bad base64", "# c\naead 1 not*base64!", "line 2: aead 1: key is not valid base64"},
		{"zero key", "aead 1 " + zero, "line 1: aead 1: key is all zeros"},
		{"duplicate version", "aead 1 " + keyA + "\naead 1 " + keyB, "line 2: duplicate aead version 1"},
		{"duplicate hmac", "hmac " + keyH + "\nhmac " + keyB, "line 2: duplicate hmac key"},
		{"version 0", "aead 0 " + keyA, "line 1: aead version must be"},
		{"version with leading zero", "aead 01 " + keyA, "line 1: aead version must be"},
		{"negative version", "aead -1 " + keyA, "line 1: aead version must be"},
		{"huge version", "aead 99999999 " + keyA, "line 1: aead version must be"},
		{"missing version", "aead " + keyA, "line 1: want \"aead <version> <base64 key>\""},
		{"extra field", "hmac " + keyH + " extra", "line 1: want \"hmac <base64 key>\""},
		{"unknown entry", "\n\nsecret " + keyA, "line 3: unknown entry \"secret\""},
		{"long unknown entry truncated", keyA, "line 1: unknown entry \"" + keyA[:20] + "…\""},
		{"same key twice", "aead 1 " + keyA + "\nhmac " + keyA, "aead 1 and hmac use the same key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyring([]byte(tt.text))
			if err == nil {
				t.Fatalf("ParseKeyring accepted %q", tt.text)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), keyB) || strings.Contains(err.Error(), keyH) {
				t.Errorf("error %q leaks a key", err)
			}
		})
	}
}

func TestGenerateAndAddKey(t *testing.T) {
	kr, err := GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	if kr.Current() != 1 {
		t.Fatalf("Current = %d, want 1", kr.Current())
	}
	v, err := kr.AddKey()
	if err != nil || v != 2 || kr.Current() != 2 {
		t.Fatalf("AddKey = %d, %v; Current = %d", v, err, kr.Current())
	}
	other, _ := GenerateKeyring()
	if bytes.Equal(kr.Marshal(), other.Marshal()) {
		t.Error("two generated keyrings are equal")
	}
	back := mustKeyring(t, string(kr.Marshal()))
	if d := cmp.Diff([]int{1, 2}, back.Versions()); d != "" {
		t.Errorf("Versions after round trip (-want +got):\n%s", d)
	}
}

func TestKeyringDoesNotPrintKeys(t *testing.T) {
	kr := mustKeyring(t, "aead 1 "+keyA+"\nhmac "+keyH)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, kr)
		if strings.Contains(out, keyA) || strings.Contains(out, string(seq(0)[:8])) || !strings.Contains(out, "current 1") {
			t.Errorf("Sprintf(%q) = %q", format, out)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "keys", "pii.keys")
	kr, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreateKeyFile = %v, %v", created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %o, want 600", perm)
	}
	again, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreateKeyFile = %v, %v", created, err)
	}
	if !bytes.Equal(kr.Marshal(), again.Marshal()) {
		t.Error("second call did not load the same keys")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the key file (no temporary left)", len(entries))
	}

	if _, err := kr.AddKey(); err != nil {
		t.Fatal(err)
	}
	if err := SaveKeyFile(path, kr); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadKeyFile(path)
	if err != nil || loaded.Current() != 2 {
		t.Fatalf("LoadKeyFile after SaveKeyFile = %v, %v", loaded, err)
	}
}

func TestLoadKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKeyFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadKeyFile of a missing file succeeded")
	}
	bad := filepath.Join(dir, "bad.keys")
	if err := os.WriteFile(bad, []byte("aead 1 "+keyA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadKeyFile(bad)
	if err == nil || !strings.Contains(err.Error(), "bad.keys") || !strings.Contains(err.Error(), "missing hmac") {
		t.Errorf("LoadKeyFile(bad) = %v", err)
	}
	// A broken existing file must be reported, not silently replaced by new keys.
	if _, created, err := LoadOrCreateKeyFile(bad); err == nil || created {
		t.Errorf("LoadOrCreateKeyFile(bad) = %v, %v; want an error", created, err)
	}
}
