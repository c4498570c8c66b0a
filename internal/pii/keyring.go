package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
)

// KeySize is the length in bytes of every key: AES-256 and a 256-bit HMAC key.
const KeySize = 32

// maxVersion bounds key versions so that they stay small, readable integers in sealed text.
const maxVersion = 1_000_000

// Keyring holds the AEAD keys by version and the one HMAC key. It is safe for concurrent use, so
// a long-running server can share one Keyring between all requests.
//
// Its String, GoString and LogValue methods print key versions only: a Keyring passed to a log
// line or %v by mistake must not leak the keys.
type Keyring struct {
	mu      sync.RWMutex
	aeads   map[int]cipher.AEAD
	raw     map[int][]byte // for Marshal
	current int
	hmacKey []byte
}

// newKeyring builds a Keyring from validated raw keys.
func newKeyring(aeadKeys map[int][]byte, hmacKey []byte) (*Keyring, error) {
	if len(aeadKeys) == 0 {
		return nil, errors.New("keyring: no aead key")
	}
	if len(hmacKey) != KeySize {
		return nil, fmt.Errorf("keyring: hmac key must be %d bytes, got %d", KeySize, len(hmacKey))
	}
	kr := &Keyring{aeads: map[int]cipher.AEAD{}, raw: map[int][]byte{}, hmacKey: slices.Clone(hmacKey)}
	for v, k := range aeadKeys {
		if err := kr.add(v, k); err != nil {
			return nil, err
		}
	}
	return kr, nil
}

// add installs one AEAD key; the caller holds the write lock or owns kr exclusively.
func (kr *Keyring) add(version int, key []byte) error {
	if version < 1 || version > maxVersion {
		return fmt.Errorf("keyring: aead version %d outside 1–%d", version, maxVersion)
	}
	if len(key) != KeySize {
		return fmt.Errorf("keyring: aead key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	kr.aeads[version] = gcm
	kr.raw[version] = slices.Clone(key)
	kr.current = max(kr.current, version)
	return nil
}

// GenerateKeyring makes a fresh Keyring — AEAD key version 1 and an HMAC key — from the
// operating system's random source; the demo calls it for a new data folder.
func GenerateKeyring() (*Keyring, error) {
	aeadKey, err := randomKey()
	if err != nil {
		return nil, err
	}
	hmacKey, err := randomKey()
	if err != nil {
		return nil, err
	}
	return newKeyring(map[int][]byte{1: aeadKey}, hmacKey)
}

// AddKey adds a new random AEAD key with the next version and makes it current, the first step
// of a rotation. Save the Keyring (SaveKeyFile), deploy it to every process, then run Rotate.
func (kr *Keyring) AddKey() (version int, err error) {
	key, err := randomKey()
	if err != nil {
		return 0, err
	}
	kr.mu.Lock()
	defer kr.mu.Unlock()
	version = kr.current + 1
	if err := kr.add(version, key); err != nil {
		return 0, err
	}
	return version, nil
}

// Current is the version that Seal uses: the highest one.
func (kr *Keyring) Current() int {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.current
}

// Versions lists the AEAD key versions in ascending order, for status pages and logs.
func (kr *Keyring) Versions() []int {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return slices.Sorted(maps.Keys(kr.aeads))
}

// aead returns the cipher for a version and whether it exists.
func (kr *Keyring) aead(version int) (cipher.AEAD, bool) {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	a, ok := kr.aeads[version]
	return a, ok
}

// currentAEAD returns the current version and its cipher in one consistent read.
func (kr *Keyring) currentAEAD() (int, cipher.AEAD) {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.current, kr.aeads[kr.current]
}

// String describes the Keyring without its keys.
func (kr *Keyring) String() string {
	if kr == nil {
		return "pii.Keyring(nil)"
	}
	return fmt.Sprintf("pii.Keyring{aead versions %v, current %d, hmac set}", kr.Versions(), kr.Current())
}

// GoString keeps %#v from printing the keys.
func (kr *Keyring) GoString() string { return kr.String() }

// LogValue keeps slog from printing the keys.
func (kr *Keyring) LogValue() slog.Value { return slog.StringValue(kr.String()) }

func randomKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("keyring: random source: %w", err)
	}
	return k, nil
}
