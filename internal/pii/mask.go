package pii

import "strings"

// The masks below follow UI.md ("Masked identifiers"). They are pure functions of the stored
// plaintext so that every page, export and printed notice (公示) masks the same way. For input
// that does not have the expected shape they reveal less, never more: at most the characters the
// normal pattern reveals, and never more than the share of the value it reveals.

// MaskID shows the region code and the last four characters and hides the birth date:
// 370212********1234. A 15-digit legacy number hides its 6-digit birth date the same way
// (370284******032). Other lengths keep at most the first 6 and last 4 characters while hiding
// at least 8, so a short fragment is mostly or wholly stars. The output has as many characters as
// the trimmed input.
func MaskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 15 {
		return keep(r, 6, 3)
	}
	h, t := fit(len(r), 6, 4, 8)
	return keep(r, h, t)
}

// MaskPhone shows the first three and last four digits of a mobile number: 138****5678. The value
// is normalised first (see Normalize), so "+86 138-1234-5678" masks the same way. Shorter numbers
// hide at least four digits.
func MaskPhone(s string) string {
	r := []rune(normalizePhone(s))
	h, t := fit(len(r), 3, 4, 4)
	return keep(r, h, t)
}

// MaskName keeps the first character, and the last one from three characters on: 张*明, 张*,
// 欧阳**华 (one star per hidden character). A single character is shown as it is, as the UI
// convention prescribes. It counts runes, so Chinese names are never cut inside a character.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0, 1:
		return string(r)
	case 2:
		return keep(r, 1, 0)
	}
	return keep(r, 1, 1)
}

// MaskBank shows the first and last four digits of an account in a fixed shape:
// 6222 **** **** 1234. The middle groups have a fixed width so the mask does not even reveal the
// account's length. Numbers shorter than 12 digits, which no real account has, are all stars.
func MaskBank(s string) string {
	d := digitsOnly(s)
	switch {
	case d == "":
		return ""
	case len(d) < 12:
		return "**** **** **** ****"
	}
	return d[:4] + " **** **** " + d[len(d)-4:]
}

// fit shrinks a head/tail pattern for a value of n characters so that at least minHidden (or all,
// if fewer) characters are hidden; the head is kept in preference to the tail, since for the
// identifiers here the head (region, operator) says less about the person.
func fit(n, head, tail, minHidden int) (int, int) {
	avail := max(0, n-minHidden)
	h := min(head, avail)
	t := min(tail, avail-h)
	return h, t
}

// keep returns r with all but the first head and last tail runes replaced by '*'. The caller
// guarantees head+tail <= len(r) or len(r) == 0. Invalid UTF-8 has already become U+FFFD in
// the []rune conversion, so the output is always valid UTF-8.
func keep(r []rune, head, tail int) string {
	if len(r) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(r) + 3*(head+tail))
	for i, c := range r {
		if i < head || i >= len(r)-tail {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}
