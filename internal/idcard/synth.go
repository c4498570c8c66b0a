package idcard

import (
	"fmt"

	"github.com/minzheng/minzheng/internal/civil"
)

// Synthesize builds a valid number — correct check character — from its parts, so tests and the
// demo data generator never need a real person's number. region is a 6-digit division code, birth
// a real date from 1900 on, seq the 3-digit sequence 0–999 (odd for a man, even for a woman).
//
// It panics on parts that could not make a valid number: it is called with values chosen in code,
// where a mistake is a bug to surface at once, like regexp.MustCompile.
func Synthesize(region string, birth civil.Date, seq int) Number {
	if len(region) != 6 || !allDigits(region) || !validProvince(region[:2]) {
		panic(fmt.Sprintf("idcard.Synthesize: region %q is not a 6-digit division code", region))
	}
	if d, err := civil.ParseDate(birth.String()); err != nil || d != birth || birth.Year < minBirthYear {
		panic(fmt.Sprintf("idcard.Synthesize: birth date %v is not a real date from %d on", birth, minBirthYear))
	}
	if seq < 0 || seq > 999 {
		panic(fmt.Sprintf("idcard.Synthesize: sequence %d is outside 0–999", seq))
	}
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, birth.Year, int(birth.Month), birth.Day, seq)
	return Number(first17 + string(CheckChar(first17)))
}
