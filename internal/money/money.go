// Package money holds amounts of Chinese yuan as whole fen (分) in an int64.
//
// Subsidy, relief and pension amounts are paid to the fen and audited to the
// fen, so binary floating point, which cannot represent 0.10 exactly, never
// touches them. Every place where a fraction of a fen can arise (ratios,
// rounding to whole yuan, splitting a total) names its rounding mode, because
// policy documents differ on it and auditors ask which one was used.
//
// Only the standard library is used; math/big is the fallback when an
// intermediate product would not fit in 64 bits.
package money

import "strconv"

// Fen is an amount of money in fen (分, 1/100 yuan). It is a plain integer so
// that sums are exact and the database stores it as BIGINT.
type Fen int64

// Units for RoundTo, so call sites read as "round to whole yuan".
const (
	OneFen  Fen = 1
	OneJiao Fen = 10
	OneYuan Fen = 100
)

// Yuan returns y whole yuan, for policy constants written in yuan
// (for example a monthly standard of Yuan(1045)).
func Yuan(y int64) Fen { return Fen(y * 100) }

// Int64 returns the amount in fen, for storage and for APIs that take integers.
func (f Fen) Int64() int64 { return int64(f) }

// String formats the amount for screens and exports: "¥1,045.00", "-¥12.30".
// Parse accepts the result, so it is also safe for round trips through Excel.
func (f Fen) String() string {
	sign, yuan, fen := f.parts()
	return sign + "¥" + group(yuan) + "." + fen
}

// Plain formats the amount without symbol or grouping, "1045.00", for CSV
// files and bank transfer files that reject anything but digits and a dot.
func (f Fen) Plain() string {
	sign, yuan, fen := f.parts()
	return sign + yuan + "." + fen
}

// Notice formats the amount the way printed notices (告知书, 公示) write it:
// "1045.00元".
func (f Fen) Notice() string { return f.Plain() + "元" }

// parts splits f into sign, whole-yuan digits and the two fen digits. It works
// on the unsigned magnitude so that the most negative Fen formats correctly.
func (f Fen) parts() (sign, yuan, fen string) {
	mag := uint64(f)
	if f < 0 {
		sign = "-"
		mag = -mag
	}
	fen = strconv.FormatUint(mag%100, 10)
	if len(fen) == 1 {
		fen = "0" + fen
	}
	return sign, strconv.FormatUint(mag/100, 10), fen
}

// group inserts thousands separators into a string of digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	out := make([]byte, 0, len(digits)+len(digits)/3)
	out = append(out, digits[:head]...)
	for i := head; i < len(digits); i += 3 {
		out = append(out, ',')
		out = append(out, digits[i:i+3]...)
	}
	return string(out)
}
