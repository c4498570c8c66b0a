package auth_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
)

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func onlyIn(s, alphabet string) bool {
	for _, r := range s {
		if !strings.ContainsRune(alphabet, r) {
			return false
		}
	}
	return true
}

// FuzzParseSessionCookie: a cookie value comes from the client. Whatever is accepted is exactly 43
// characters of unpadded base64url for 32 bytes, returned unchanged.
func FuzzParseSessionCookie(f *testing.F) {
	for _, s := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("_", 43), strings.Repeat("A", 42) + "=",
		strings.Repeat("A", 44), strings.Repeat("+", 43), "mJ0ZVjF3q5Tq2Qc8yP6hW1n7-u4_kXlGZrBvE9oD0sA", "é" + strings.Repeat("A", 41)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, err := auth.ParseSessionCookie(value)
		if err != nil {
			if got != "" {
				t.Errorf("rejected %q but returned %q", value, got)
			}
			return
		}
		if got != value || len(value) != 43 || !onlyIn(value, base64URL) {
			t.Errorf("accepted %q as %q", value, got)
		}
		if b, err := base64.RawURLEncoding.DecodeString(value); err != nil || len(b) != 32 {
			t.Errorf("accepted %q, which decodes to %d bytes, %v", value, len(b), err)
		}
	})
}

// FuzzParseToken: a bearer token comes from the client. Whatever is accepted is mzt_, 8 id
// characters without "_", "_", and a 43-character secret; the prefix returned is the first 12.
func FuzzParseToken(f *testing.F) {
	secret := strings.Repeat("A", 43)
	for _, s := range []string{"", "mzt_", "mzt__", "mzt_abcd1234_" + secret, "mzt_abcd_234_" + secret, "mzt_abcd1234_" + secret[1:] + "_",
		"mzt_abcd123_" + secret, "mzt_abcd12345_" + secret, "MZT_abcd1234_" + secret, "mzt_abcd1234" + secret, "mzt_abcd1234_" + secret + "\n",
		"mzt_abcd1234__" + secret[1:], "mzt_abçd123_" + secret} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		prefix, err := auth.ParseToken(token)
		if err != nil {
			if prefix != "" {
				t.Errorf("rejected %q but returned prefix %q", token, prefix)
			}
			return
		}
		if len(token) != 56 || !strings.HasPrefix(token, auth.TokenPrefix) || prefix != token[:12] || token[12] != '_' ||
			!onlyIn(token[4:12], strings.TrimSuffix(base64URL, "_")) {
			t.Errorf("accepted %q with prefix %q", token, prefix)
		}
		if _, err := auth.ParseSessionCookie(token[13:]); err != nil {
			t.Errorf("accepted %q, whose secret part is malformed: %v", token, err)
		}
	})
}

// FuzzCheckPassword: stored hashes come from the database, which an attacker may have written to
// or an old version may have filled. No encoded hash may crash the log-in.
func FuzzCheckPassword(f *testing.F) {
	good, err := auth.HashPassword("Qingdao2024", cheap)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(good, "$")
	for _, s := range []string{good, "", "$", "$$$$$", "$argon2id$v=19$m=64,t=1,p=1$$",
		"$argon2id$v=19$m=64,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=0,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$$" + parts[5]} {
		f.Add(s, "Qingdao2024")
	}
	f.Fuzz(func(t *testing.T, encoded, password string) {
		if expensive(encoded) {
			t.Skip("cost parameters too high for a fuzz iteration")
		}
		ok, err := checkNoPanic(t, encoded, password)
		if ok && err != nil {
			t.Errorf("CheckPassword(%q) = true, %v", encoded, err)
		}
		if len(password) > 64 {
			return
		}
		h, err := auth.HashPassword(password, cheap)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := auth.CheckPassword(h, password); !ok || err != nil {
			t.Errorf("round trip of %q = %v, %v", password, ok, err)
		}
	})
}

// expensive reports whether encoded asks for more argon2 work than a fuzz iteration can afford.
// CheckPassword itself accepts up to 2 GiB and 16 passes, which is real work, not a crash.
func expensive(encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || len(parts[5]) > 1024 {
		return len(parts) == 6
	}
	var m, tm uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &tm, &p); err != nil {
		return false
	}
	return m > 1<<12 || tm > 4 || p > 8
}
