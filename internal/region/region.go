// Package region knows China's administrative divisions as civil-affairs work uses them: the
// statistical division codes (统计用区划代码) of the National Bureau of Statistics, the tree they
// form, and scopes — the part of that tree a user may see.
//
// Codes are kept UNPADDED: province "37", prefecture "3702", county "370212", town or street
// "370212003", community or village committee "370212003001". NBS publishes them padded to 12
// digits, but unpadded codes make every scope a plain string prefix, so that "the households of
// 崂山区" is `region_code LIKE '370212%'` in SQL and strings.HasPrefix in Go, with no arithmetic
// on codes anywhere. The last segment of a code is never zero, which keeps padding from sneaking
// back in: "3700" is not a valid code, "37" is. (A county segment of "00" inside a longer code is
// real: the towns of prefectures without counties, such as 东莞 4419, are 441900xxx.)
//
// The official data (provinces, prefectures and counties of all China, towns and streets of
// Qingdao) is embedded in the binary because government intranets have no internet; see
// data/README.md for its source. Communities below the streets come from the synth package in the
// demo and from an import in production.
//
// Only the standard library is used.
package region

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidCode marks a malformed division code or scope, so callers can answer "invalid input"
// rather than "internal error".
var ErrInvalidCode = errors.New("invalid region code")

// ErrNotFound marks a well-formed code that is not in the regions table.
var ErrNotFound = errors.New("region not found")

// Level is the depth of a division in the tree. The values are stored in regions.level.
type Level int

// The five levels of the statistical division code.
const (
	Province  Level = 1 // 省级: 2 digits
	City      Level = 2 // 地级: 4 digits
	County    Level = 3 // 县级: 6 digits
	Street    Level = 4 // 乡级 (镇, 乡, 街道, development zones): 9 digits
	Community Level = 5 // 村级 (居民委员会, 村民委员会): 12 digits
)

// codeLen is the length of an unpadded code at each level; the segment lengths are 2,2,2,3,3.
var codeLen = [...]int{0, 2, 4, 6, 9, 12}

// LevelOf tells the level of an unpadded code from its length alone, or 0 when the length fits no
// level. It does not check the digits; ValidCode does.
func LevelOf(code string) Level {
	for l := Province; l <= Community; l++ {
		if len(code) == codeLen[l] {
			return l
		}
	}
	return 0
}

// Len is the number of digits of a code at this level, 0 for an unknown level.
func (l Level) Len() int {
	if l < Province || l > Community {
		return 0
	}
	return codeLen[l]
}

// String names the level in Chinese as the UI shows it in column headers and filters.
func (l Level) String() string {
	switch l {
	case Province:
		return "省"
	case City:
		return "市"
	case County:
		return "县区"
	case Street:
		return "镇街"
	case Community:
		return "村社区"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Division is one row of the regions table. Synthetic marks the demo city's invented communities,
// so that nobody mistakes them for real ones in an export; Source says where the row came from.
type Division struct {
	Code       string
	Name       string
	ParentCode string // "" for a province
	Level      Level
	Synthetic  bool
	Source     string
}

// ValidCode checks that code is a whole unpadded division code: 2, 4, 6, 9 or 12 digits, the
// province, prefecture and last segments not all zeros. It rejects padded codes ("370200") rather than guessing, because a code that
// silently widens is a scope that silently widens; use Normalize for outside data that is padded.
func ValidCode(code string) error {
	l := LevelOf(code)
	if l == 0 {
		return fmt.Errorf("%w %q: want 2, 4, 6, 9 or 12 digits", ErrInvalidCode, code)
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%w %q: not all digits", ErrInvalidCode, code)
		}
	}
	for k := Province; k <= l; k++ {
		if (k <= City || k == l) && strings.Trim(code[codeLen[k-1]:codeLen[k]], "0") == "" {
			return fmt.Errorf("%w %q: %s segment is zero (padded code?)", ErrInvalidCode, code, k)
		}
	}
	return nil
}

// Normalize turns a code as outside data writes it — padded to 6 or 12 digits ("370200",
// "370212003000"), with surrounding spaces — into the unpadded form, and validates the result.
// Spreadsheets and NBS exports pad; the database never does.
func Normalize(code string) (string, error) {
	c := strings.TrimSpace(code)
	// Cut trailing all-zero segments: 370212003000 → 370212003, 370200000000 → 3702.
	for l := LevelOf(c); l > Province && strings.Trim(c[codeLen[l-1]:], "0") == ""; l-- {
		c = c[:codeLen[l-1]]
	}
	if err := ValidCode(c); err != nil {
		return "", fmt.Errorf("%w %q", ErrInvalidCode, code)
	}
	return c, nil
}

// ParentOf returns the code one level up by cutting the last segment, and a zero county segment
// with it (441900003 → 4419); "" for a province. It is the default parent; a county administered
// directly by its province has the province as its recorded parent instead, so prefer
// Division.ParentCode when the row is at hand.
func ParentOf(code string) string {
	l := LevelOf(code)
	if l <= Province {
		return ""
	}
	p := code[:codeLen[l-1]]
	if l-1 == County && strings.Trim(p[codeLen[City]:], "0") == "" {
		p = p[:codeLen[City]]
	}
	return p
}
