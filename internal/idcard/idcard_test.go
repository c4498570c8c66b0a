package idcard

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/civil"
)

// today is the fixed clock of these tests.
var today = civil.Date{Year: 2024, Month: time.June, Day: 1}

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func TestParseAtValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Number
	}{
		// Check characters below were computed independently (Python) from ISO 7064 MOD 11-2.
		{"synthetic Laoshan", "370212198001011235", "370212198001011235"},
		{"check char X", "37021219800101003X", "37021219800101003X"},
		{"lower-case x", "37021219800101003x", "37021219800101003X"},
		{"surrounding spaces", "  370212198001011243\t", "370212198001011243"},
		{"retired county code 370282", "370282196503150024", "370282196503150024"},
		{"leap day", "370212200002290010", "370212200002290010"},
		{"born today", "370212202406010117", "370212202406010117"},
		{"standard example", "11010519491231002X", "11010519491231002X"},
		{"legacy 15 digits", "370284720815032", "370284197208150328"},
		{"legacy 15 with spaces", " 370284720815032 ", "370284197208150328"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAt(tt.in, today)
			if err != nil {
				t.Fatalf("ParseAt(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseAt(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAtErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Error
	}{
		{"empty", "", ErrLength},
		{"17 digits", "37021219800101123", ErrLength},
		{"19 digits", "3702121980010112350", ErrLength},
		{"16 digits", "3702121980010112", ErrLength},
		{"letter inside", "3702121980O1011235", ErrChars},
		{"X not last", "37021219800101X235", ErrChars},
		{"bad last char", "37021219800101123Y", ErrChars},
		{"full-width digits", "３７０２１２１９８００１０１１２３５", ErrChars},
		{"inner space", "370212 98001011235", ErrChars},
		{"legacy with letter", "37028472081503X", ErrChars},
		{"unknown province 00", "000212198001011235", ErrRegion},
		{"unknown province 16", "160212198001011235", ErrRegion},
		{"unknown province 99", "990212198001011235", ErrRegion},
		{"legacy unknown province", "990284720815032", ErrRegion},
		{"february 29 in 1970", "370205197002290012", ErrBirthDate},
		{"month 13", "370212198013011235", ErrBirthDate},
		{"day 00", "370212198001001235", ErrBirthDate},
		{"before 1900", "370212189912311235", ErrBirthDate},
		{"tomorrow", "370212202406020117", ErrBirthDate},
		{"legacy bad date", "370284720230032", ErrBirthDate},
		{"wrong check digit", "370212198001011234", ErrCheckDigit},
		{"X where digit due", "37021219800101123X", ErrCheckDigit},
		{"transposed digits", "370212198001011325", ErrCheckDigit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAt(tt.in, today)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseAt(%q) = %q, %v; want %v", tt.in, got, err, tt.want)
			}
			if got != "" {
				t.Errorf("ParseAt(%q) returned %q with an error", tt.in, got)
			}
		})
	}
}

func TestErrorMessagesAreChinese(t *testing.T) {
	got := map[string]string{}
	for _, e := range []*Error{ErrLength, ErrChars, ErrRegion, ErrBirthDate, ErrCheckDigit} {
		got[e.Code] = e.Error()
	}
	want := map[string]string{
		"length":      "身份证号码应为18位",
		"chars":       "身份证号码只能包含数字，最后一位可以是X",
		"region":      "身份证号码的地区代码不正确",
		"birth_date":  "身份证号码中的出生日期不正确",
		"check_digit": "身份证号码校验位不正确",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("messages (-want +got):\n%s", d)
	}
}

func TestParseUsesRealClock(t *testing.T) {
	if _, err := Parse("370212198001011235"); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	next := civil.Today(time.Now()).AddDays(2)
	future := Synthesize("370212", next, 11)
	if _, err := Parse(string(future)); !errors.Is(err, ErrBirthDate) {
		t.Errorf("Parse(born the day after tomorrow) error = %v, want ErrBirthDate", err)
	}
	if _, err := ParseAt(string(future), civil.Date{}); err != nil {
		t.Errorf("ParseAt with zero today should skip the future check, got %v", err)
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want byte
	}{
		{"standard example", "11010519491231002", 'X'},
		{"sum gives 0", "37021219800101008", '0'},
		{"sum gives 1", "37021219800101002", '1'},
		{"digit 5", "37021219800101123", '5'},
		{"too short", "3702121980010100", 0},
		{"too long", "370212198001010011", 0},
		{"non-digit", "3702121980010100a", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckChar(tt.in); got != tt.want {
				t.Errorf("CheckChar(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
