package pii

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors from Open; compare with errors.Is. None of them carries the sealed text or the field
// value, so they can be logged.
var (
	// ErrMalformed: the text is not "v<version>:<base64>" or is too short to be a ciphertext.
	ErrMalformed = errors.New("pii: sealed value is malformed")
	// ErrUnknownVersion: the key version named in the text is not in the Keyring — typically a
	// process started with an older key file than the one that sealed the value.
	ErrUnknownVersion = errors.New("pii: sealed under a key version this keyring does not have")
	// ErrTampered: authentication failed — the text was altered, sealed for another field, or
	// sealed under a different key with the same version number.
	ErrTampered = errors.New("pii: sealed value does not authenticate for this field")
)

// Every sealed value carries a random GCM nonce and an authentication tag.
const (
	nonceSize = 12
	tagSize   = 16
)

// Seal encrypts plaintext under the current key, bound to field (the column, such as
// "persons.id_number"), and returns "v<version>:<base64 of nonce||ciphertext>", text that fits a
// TEXT column on every database. An empty plaintext seals to "" so that an absent value stays
// visibly absent instead of becoming an encrypted empty string.
func (kr *Keyring) Seal(plaintext, field string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	if field == "" {
		return "", errors.New("pii: Seal needs a field name to bind the value to its column")
	}
	return kr.sealWith(kr.Current(), plaintext, field)
}

// sealWith seals under a given version; Rotate uses it to keep one target version for a run.
func (kr *Keyring) sealWith(version int, plaintext, field string) (string, error) {
	a, ok := kr.aead(version)
	if !ok {
		return "", fmt.Errorf("%w: version %d", ErrUnknownVersion, version)
	}
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+tagSize)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("pii: random nonce: %w", err)
	}
	buf = a.Seal(buf, buf[:nonceSize], []byte(plaintext), []byte(field))
	return "v" + strconv.Itoa(version) + ":" + base64.StdEncoding.EncodeToString(buf), nil
}

// Open decrypts a value made by Seal for the same field, picking the key by the version prefix,
// so values sealed before a rotation still open. An empty sealed string opens to "".
func (kr *Keyring) Open(sealed, field string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	version, body, ok := splitSealed(sealed)
	if !ok {
		return "", ErrMalformed
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(body)
	if err != nil || len(raw) < nonceSize+tagSize {
		return "", ErrMalformed
	}
	a, ok := kr.aead(version)
	if !ok {
		return "", fmt.Errorf("%w: version %d", ErrUnknownVersion, version)
	}
	plain, err := a.Open(nil, raw[:nonceSize], raw[nonceSize:], []byte(field))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// Version returns the key version a sealed value names, or 0 if it is empty or malformed. Rotate
// and status reports use it to tell how much data is still under an old key.
func Version(sealed string) int {
	v, _, ok := splitSealed(sealed)
	if !ok {
		return 0
	}
	return v
}

// splitSealed reads the "v<version>:" prefix. The version must be written canonically (no sign,
// no leading zero) so that one value has exactly one textual form, which Rotate's LIKE filter
// relies on.
func splitSealed(sealed string) (version int, body string, ok bool) {
	rest, found := strings.CutPrefix(sealed, "v")
	if !found {
		return 0, "", false
	}
	num, body, found := strings.Cut(rest, ":")
	if !found || num == "" || len(num) > 7 || num[0] == '0' {
		return 0, "", false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return 0, "", false
		}
	}
	v, err := strconv.Atoi(num)
	if err != nil || v > maxVersion {
		return 0, "", false
	}
	return v, body, true
}
