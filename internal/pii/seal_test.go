package pii

import (
	"errors"
	"strings"
	"testing"
)

const field = "persons.id_number"

func testKeyring(t testing.TB) *Keyring {
	t.Helper()
	return mustKeyring(t, "aead 1 "+keyA+"\nhmac "+keyH)
}

func TestSealOpen(t *testing.T) {
	kr := testKeyring(t)
	for _, plain := range []string{"370212198001011235", "张三明", "x", strings.Repeat("长", 1000)} {
		sealed, err := kr.Seal(plain, field)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sealed, "v1:") || (len(plain) > 4 && strings.Contains(sealed, plain)) {
			t.Errorf("Seal(%q) = %q", plain, sealed)
		}
		if Version(sealed) != 1 {
			t.Errorf("Version = %d, want 1", Version(sealed))
		}
		got, err := kr.Open(sealed, field)
		if err != nil || got != plain {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
		again, _ := kr.Seal(plain, field)
		if again == sealed {
			t.Error("sealing twice gave the same text; nonces must differ")
		}
	}
}

func TestSealEmpty(t *testing.T) {
	kr := testKeyring(t)
	sealed, err := kr.Seal("", field)
	if err != nil || sealed != "" {
		t.Errorf("Seal(\"\") = %q, %v; want \"\"", sealed, err)
	}
	plain, err := kr.Open("", field)
	if err != nil || plain != "" {
		t.Errorf("Open(\"\") = %q, %v", plain, err)
	}
	if _, err := kr.Seal("x", ""); err == nil {
		t.Error("Seal with an empty field succeeded")
	}
}

func TestOpenAfterRotationKeepsOldVersions(t *testing.T) {
	kr := testKeyring(t)
	old, _ := kr.Seal("13812345678", "persons.phone")
	if _, err := kr.AddKey(); err != nil {
		t.Fatal(err)
	}
	fresh, _ := kr.Seal("13812345678", "persons.phone")
	if Version(fresh) != 2 {
		t.Errorf("after AddKey Seal used version %d, want 2", Version(fresh))
	}
	for _, s := range []string{old, fresh} {
		if got, err := kr.Open(s, "persons.phone"); err != nil || got != "13812345678" {
			t.Errorf("Open(v%d) = %q, %v", Version(s), got, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	kr := testKeyring(t)
	good, _ := kr.Seal("370212198001011235", field)
	body := strings.TrimPrefix(good, "v1:")
	flipped := []byte(body)
	if mid := len(flipped) / 2; flipped[mid] == 'A' {
		flipped[mid] = 'B'
	} else {
		flipped[mid] = 'A'
	}
	otherKeys := mustKeyring(t, "aead 1 "+keyB+"\nhmac "+keyH)
	foreign, _ := otherKeys.Seal("370212198001011235", field)
	tests := []struct {
		name   string
		sealed string
		field  string
		want   error
	}{
		{"other field", good, "persons.phone", ErrTampered},
		{"flipped byte", "v1:" + string(flipped), field, ErrTampered},
		{"other key same version", foreign, field, ErrTampered},
		{"unknown version", "v7:" + body, field, ErrUnknownVersion},
		{"no prefix", body, field, ErrMalformed},
		{"upper-case V", "V1:" + body, field, ErrMalformed},
		{"leading zero version", "v01:" + body, field, ErrMalformed},
		{"version 0", "v0:" + body, field, ErrMalformed},
		{"no colon", "v1" + body, field, ErrMalformed},
		{"bad base64", "v1:!!!!", field, ErrMalformed},
		{"too short", "v1:AAAA", field, ErrMalformed},
		{"huge version", "v99999999999999999999:" + body, field, ErrMalformed},
		{"plain text", "370212198001011235", field, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := kr.Open(tt.sealed, tt.field)
			if !errors.Is(err, tt.want) || got != "" {
				t.Errorf("Open = %q, %v; want %v", got, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), body[:10]) {
				t.Errorf("error %q repeats the sealed text", err)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name   string
		sealed string
		want   int
	}{
		{"v1", "v1:abc", 1},
		{"v12", "v12:abc", 12},
		{"empty", "", 0},
		{"plain", "370212198001011235", 0},
		{"leading zero", "v01:abc", 0},
		{"sign", "v+1:abc", 0},
		{"no digits", "v:abc", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Version(tt.sealed); got != tt.want {
				t.Errorf("Version(%q) = %d, want %d", tt.sealed, got, tt.want)
			}
		})
	}
}
