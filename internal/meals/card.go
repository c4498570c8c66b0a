package meals

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
)

// A diner's card number is 12 digits: 11 random ones (the first not zero) and a Luhn check
// digit, so that a number typed at the counter with one wrong digit or two swapped neighbours is
// refused before it can charge someone else's subsidy. Numbers are random rather than sequential
// so that a card number says nothing about how many people registered, or when.

// newCardNo draws a fresh card number; uniqueness is the database's to enforce.
func newCardNo() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(9e10))
	if err != nil {
		return "", err
	}
	body := big.NewInt(0).Add(n, big.NewInt(1e10)).String() // 11 digits, 10000000000–99999999999
	return body + string(luhnDigit(body)), nil
}

// ValidCardNo reports whether s is 12 digits whose last is the Luhn check digit of the others.
func ValidCardNo(s string) bool {
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	return luhnDigit(s[:11]) == s[11]
}

// luhnDigit is the Luhn check digit of the digits in body.
func luhnDigit(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 { // the rightmost body digit is doubled, as the check digit follows it
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// newQRToken draws the secret printed as a QR code on a diner's card; only its hash is stored,
// so a copy of the database cannot be turned into cards.
func newQRToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is the stored form of a QR or terminal token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
