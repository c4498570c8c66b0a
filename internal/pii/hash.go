package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
)

// Kind says what sort of identifier a value is. It picks the normalisation, and it is part of
// the hashed message so that equal digits of different kinds (a phone number and an account
// number) never share a hash. The string values are part of the agency recipe: never change them.
type Kind string

// The kinds of identifier that are hashed.
const (
	IDNumber    Kind = "id_number"
	Phone       Kind = "phone"
	BankAccount Kind = "bank_account"
	Name        Kind = "name"
)

// Normalize brings a value to the one spelling that is hashed, so that "370212…x", a 15-digit
// legacy number and "+86 138 1234 5678" find the same person as their canonical forms. The rules
// per kind are listed in the package doc, where outside agencies read them; change them only
// together with that text and every stored hash. An unknown kind gets only trimmed.
func Normalize(kind Kind, value string) string {
	switch kind {
	case IDNumber:
		return normalizeID(value)
	case Phone:
		return normalizePhone(value)
	case BankAccount:
		return digitsOnly(value)
	case Name:
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, value)
	}
	return strings.TrimSpace(value)
}

// normalizeID converts only 15-digit numbers via idcard; 18-character values are kept as typed
// apart from the X, so that a number with a wrong check character still finds itself. The zero
// date skips the "born in the future" check, which keeps the hash independent of the day.
func normalizeID(value string) string {
	s := strings.ReplaceAll(strings.TrimSpace(value), "x", "X")
	if len(s) == 15 {
		if n, err := idcard.ParseAt(s, civil.Date{}); err == nil {
			return n.String()
		}
	}
	return s
}

// normalizePhone strips punctuation and the +86 country code, restoring the trunk 0 of a
// landline written in international form (+86 532 … becomes 0532…, +86 10 … becomes 010…).
func normalizePhone(value string) string {
	d := digitsOnly(value)
	dropped := false
	switch {
	case strings.HasPrefix(d, "0086"):
		d, dropped = d[4:], true
	case strings.HasPrefix(d, "86") &&
		(strings.HasPrefix(strings.TrimSpace(value), "+") || (len(d) == 13 && d[2] == '1')):
		d, dropped = d[2:], true
	}
	if dropped && d != "" && !(len(d) == 11 && d[0] == '1') {
		d = "0" + d
	}
	return d
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Hash returns the keyed hash stored beside a sealed value: lower-case hex of
// HMAC-SHA256(hmac key, kind + ":" + Normalize(kind, value)). An empty normalised value has no
// hash (""), so that records without a phone number do not all "match" one another.
//
// It panics on a Keyring without an HMAC key (the zero Keyring): hashing with an empty key would
// silently store hashes that match nothing later, which is worse than failing at once.
func (kr *Keyring) Hash(kind Kind, value string) string {
	n := Normalize(kind, value)
	if n == "" {
		return ""
	}
	kr.mu.RLock()
	key := kr.hmacKey
	kr.mu.RUnlock()
	if len(key) != KeySize {
		panic("pii: Hash on a Keyring without an HMAC key; build it with ParseKeyring or GenerateKeyring")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(string(kind) + ":" + n))
	return hex.EncodeToString(mac.Sum(nil))
}
