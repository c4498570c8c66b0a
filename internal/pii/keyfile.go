package pii

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ParseKeyring reads the key file format described in the package doc. Errors name the line and
// the problem but never contain key material, so they are safe to log.
func ParseKeyring(data []byte) (*Keyring, error) {
	aeadKeys := map[int][]byte{}
	var hmacKey []byte
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte-order mark from a Windows editor
	for i, line := range strings.Split(string(data), "\n") {
		no := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch f[0] {
		case "aead":
			if len(f) != 3 {
				return nil, lineErr(no, "want \"aead <version> <base64 key>\"")
			}
			v, err := strconv.Atoi(f[1])
			if err != nil || v < 1 || v > maxVersion || strconv.Itoa(v) != f[1] {
				return nil, lineErr(no, "aead version must be a whole number from 1 to %d", maxVersion)
			}
			if _, dup := aeadKeys[v]; dup {
				return nil, lineErr(no, "duplicate aead version %d", v)
			}
			k, err := decodeKey(f[2])
			if err != nil {
				return nil, lineErr(no, "aead %d: %v", v, err)
			}
			aeadKeys[v] = k
		case "hmac":
			if len(f) != 2 {
				return nil, lineErr(no, "want \"hmac <base64 key>\"")
			}
			if hmacKey != nil {
				return nil, lineErr(no, "duplicate hmac key")
			}
			k, err := decodeKey(f[1])
			if err != nil {
				return nil, lineErr(no, "hmac: %v", err)
			}
			hmacKey = k
		default:
			return nil, lineErr(no, "unknown entry %q (want aead, hmac or a # comment)", truncate(f[0], 20))
		}
	}
	if len(aeadKeys) == 0 {
		return nil, errors.New("key file: no aead key")
	}
	if hmacKey == nil {
		return nil, errors.New("key file: missing hmac key")
	}
	for v, k := range aeadKeys {
		if subtle.ConstantTimeCompare(k, hmacKey) == 1 {
			return nil, fmt.Errorf("key file: aead %d and hmac use the same key; each key must be generated separately", v)
		}
	}
	return newKeyring(aeadKeys, hmacKey)
}

// decodeKey reads one base64 key and rejects the wrong length and the all-zero placeholder key
// that a hand-written example file might contain.
func decodeKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, errors.New("key is not valid base64")
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("key must be %d bytes, got %d", KeySize, len(k))
	}
	if bytes.Equal(k, make([]byte, KeySize)) {
		return nil, errors.New("key is all zeros")
	}
	return k, nil
}

func lineErr(no int, format string, args ...any) error {
	return fmt.Errorf("key file line %d: %s", no, fmt.Sprintf(format, args...))
}

// truncate keeps an echoed token short: a misplaced key on a line must not be logged whole.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Marshal writes the Keyring in the key file format, versions in ascending order; ParseKeyring
// reads it back to an equal Keyring.
func (kr *Keyring) Marshal() []byte {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	var b bytes.Buffer
	b.WriteString("# Minzheng personal-data keys. Keep this file secret and backed up: without it the\n")
	b.WriteString("# sealed identifiers cannot be read. The highest aead version seals new values;\n")
	b.WriteString("# keep older versions until pii.Rotate has re-sealed everything under the newest.\n")
	for _, v := range slices.Sorted(maps.Keys(kr.raw)) {
		fmt.Fprintf(&b, "aead %d %s\n", v, base64.StdEncoding.EncodeToString(kr.raw[v]))
	}
	fmt.Fprintf(&b, "hmac %s\n", base64.StdEncoding.EncodeToString(kr.hmacKey))
	return b.Bytes()
}

// LoadKeyFile reads a key file, as configured for production.
func LoadKeyFile(path string) (*Keyring, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	kr, err := ParseKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return kr, nil
}

// LoadOrCreateKeyFile reads the key file at path or, when there is none, generates a Keyring and
// writes it there (mode 0600, parent folders created 0700). The demo uses it so that a new data
// folder works at once while its data are still encrypted at rest. created tells the caller to
// log that a new key was made — and that the file must be backed up.
//
// Two processes starting together cannot both create a key: the file appears atomically under
// its final name or not at all, and the loser loads the winner's file.
func LoadOrCreateKeyFile(path string) (kr *Keyring, created bool, err error) {
	kr, err = LoadKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return kr, false, err
	}
	kr, err = GenerateKeyring()
	if err != nil {
		return nil, false, err
	}
	tmp, err := writeTemp(path, kr.Marshal())
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			kr, err = LoadKeyFile(path)
			return kr, false, err
		}
		// No hard links on this file system: fall back to rename, which is still atomic.
		if err := os.Rename(tmp, path); err != nil {
			return nil, false, fmt.Errorf("key file: %w", err)
		}
	}
	return kr, true, nil
}

// SaveKeyFile replaces the key file at path with kr atomically (mode 0600), after AddKey. The old
// file is never left half-written: a crash leaves either the old or the new key set.
func SaveKeyFile(path string, kr *Keyring) error {
	tmp, err := writeTemp(path, kr.Marshal())
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("key file: %w", err)
	}
	return nil
}

// writeTemp writes data to a new 0600 file beside path, synced to disk, and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("key file: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", fmt.Errorf("key file: %w", err)
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", fmt.Errorf("key file: %w", err)
	}
	return name, nil
}
