package money

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// Rounding says what to do with a fraction of the unit being rounded to.
// Policy documents name it explicitly (most say 四舍五入, some say 舍去 or 进位),
// so callers must pass one rather than rely on a default.
type Rounding int

// The rounding modes. Each is defined symmetrically about zero, so a refund
// (negative amount) rounds to the mirror image of the payment it undoes.
const (
	// RoundHalfUp is 四舍五入: nearest, halves away from zero (2.5→3, -2.5→-3).
	RoundHalfUp Rounding = iota + 1
	// RoundDown is 舍去: toward zero, dropping the fraction (2.9→2, -2.9→-2).
	RoundDown
	// RoundUp is 进位: away from zero whenever there is a fraction (2.1→3, -2.1→-3).
	RoundUp
	// RoundHalfEven is banker's rounding: nearest, halves to the even
	// neighbour (2.5→2, 3.5→4), which keeps long sums of halves unbiased.
	RoundHalfEven
)

// String names the mode in the words used by policy documents, for audit logs.
func (m Rounding) String() string {
	switch m {
	case RoundHalfUp:
		return "四舍五入"
	case RoundDown:
		return "舍去"
	case RoundUp:
		return "进位"
	case RoundHalfEven:
		return "银行家舍入"
	}
	return fmt.Sprintf("Rounding(%d)", int(m))
}

// check panics on a Rounding that is not one of the named modes, so that a
// zero value from a forgotten field fails loudly even on exact inputs.
func (m Rounding) check() {
	if m < RoundHalfUp || m > RoundHalfEven {
		panic(fmt.Sprintf("money: unknown rounding mode %d", int(m)))
	}
}

// away reports whether a truncated, inexact quotient must step one unit away
// from zero. half is the sign of (2·|remainder| − divisor): below, at or above
// the midpoint; odd says whether the truncated quotient is odd.
func (m Rounding) away(half int, odd bool) bool {
	switch m {
	case RoundHalfUp:
		return half >= 0
	case RoundDown:
		return false
	case RoundUp:
		return true
	default: // RoundHalfEven, as check has run
		return half > 0 || half == 0 && odd
	}
}

// RoundTo rounds f to a multiple of unit (OneJiao, OneYuan, or any positive
// amount such as Yuan(10)) using mode, for standards that pay whole yuan.
// It panics if unit is not positive, which is a programming error. Amounts
// within one unit of the int64 limits overflow; no real amount comes close.
func (f Fen) RoundTo(unit Fen, mode Rounding) Fen {
	if unit <= 0 {
		panic(fmt.Sprintf("money: RoundTo unit %d is not positive", unit))
	}
	return Fen(divRound(int64(f), int64(unit), mode)) * unit
}

// divRound returns n/d rounded with mode; d must be positive.
func divRound(n, d int64, mode Rounding) int64 {
	mode.check()
	q, r := n/d, n%d
	if r == 0 {
		return q
	}
	if r < 0 {
		r = -r
	}
	half := cmp.Compare(r, d-r) // r vs d−r, i.e. 2r vs d without overflowing
	if mode.away(half, q%2 != 0) {
		if n < 0 {
			return q - 1
		}
		return q + 1
	}
	return q
}

// MulRatio returns f·num/den rounded with mode, exactly: the product is formed
// in 128 bits (or math/big when that is not enough) so that, for example,
// 2/3 of a household's total or a 37.5% co-payment is never approximated.
// It panics if den is zero or the result does not fit in a Fen; neither can
// happen with real amounts and ratios, so a panic marks a bug upstream.
func MulRatio(f Fen, num, den int64, mode Rounding) Fen {
	if den == 0 {
		panic("money: MulRatio with zero denominator")
	}
	mode.check()
	if p, ok := mul64(int64(f), num); ok && den != math.MinInt64 {
		if den < 0 {
			p, den = -p, -den
		}
		return Fen(divRound(p, den, mode))
	}
	n := new(big.Int).Mul(big.NewInt(int64(f)), big.NewInt(num))
	d := big.NewInt(den)
	if d.Sign() < 0 {
		n.Neg(n)
		d.Neg(d)
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Sign() != 0 {
		half := new(big.Int).Lsh(r.Abs(r), 1).Cmp(d)
		if mode.away(half, q.Bit(0) == 1) {
			q.Add(q, big.NewInt(int64(n.Sign())))
		}
	}
	if !q.IsInt64() {
		panic(fmt.Sprintf("money: MulRatio(%d, %d, %d) overflows", int64(f), num, den))
	}
	return Fen(q.Int64())
}

// mul64 multiplies two int64s, reporting false if the product overflows or is
// the most negative int64 (which could not be negated for a negative divisor).
func mul64(a, b int64) (int64, bool) {
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// Split divides total into parts amounts that differ by at most one fen and
// sum exactly to total, for sharing a household payment among members. The
// leftover fen go to the earliest parts, so the caller decides who receives
// them by the order of the list (sort it by a stable key first). It panics if
// parts is not positive.
func Split(total Fen, parts int) []Fen {
	if parts <= 0 {
		panic(fmt.Sprintf("money: Split into %d parts", parts))
	}
	n := int64(parts)
	q, r := int64(total)/n, int64(total)%n
	step := int64(1)
	if r < 0 {
		r, step = -r, -1
	}
	out := make([]Fen, parts)
	for i := range out {
		out[i] = Fen(q)
		if int64(i) < r {
			out[i] += Fen(step)
		}
	}
	return out
}

func abs64(a int64) uint64 {
	if a < 0 {
		return -uint64(a)
	}
	return uint64(a)
}
