package money

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name               string
		in                 Fen
		str, plain, notice string
	}{
		{"zero", 0, "¥0.00", "0.00", "0.00元"},
		{"one fen", 1, "¥0.01", "0.01", "0.01元"},
		{"ten fen", 10, "¥0.10", "0.10", "0.10元"},
		{"three digits", 99999, "¥999.99", "999.99", "999.99元"},
		{"thousands", 104500, "¥1,045.00", "1045.00", "1045.00元"},
		{"millions", 123456789, "¥1,234,567.89", "1234567.89", "1234567.89元"},
		{"negative", -1230, "-¥12.30", "-12.30", "-12.30元"},
		{"negative one fen", -1, "-¥0.01", "-0.01", "-0.01元"},
		{"negative thousands", -100000000, "-¥1,000,000.00", "-1000000.00", "-1000000.00元"},
		{"max", math.MaxInt64, "¥92,233,720,368,547,758.07", "92233720368547758.07", "92233720368547758.07元"},
		{"min", math.MinInt64, "-¥92,233,720,368,547,758.08", "-92233720368547758.08", "-92233720368547758.08元"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.in.Plain(); got != tt.plain {
				t.Errorf("Plain() = %q, want %q", got, tt.plain)
			}
			if got := tt.in.Notice(); got != tt.notice {
				t.Errorf("Notice() = %q, want %q", got, tt.notice)
			}
			if got := tt.in.Int64(); got != int64(tt.in) {
				t.Errorf("Int64() = %d, want %d", got, int64(tt.in))
			}
		})
	}
}

func TestYuan(t *testing.T) {
	if got, want := Yuan(1045), Fen(104500); got != want {
		t.Errorf("Yuan(1045) = %d, want %d", got, want)
	}
	if got, want := Yuan(-3), Fen(-300); got != want {
		t.Errorf("Yuan(-3) = %d, want %d", got, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Fen
	}{
		{"integer", "1045", 104500},
		{"one decimal", "1045.5", 104550},
		{"two decimals", "1045.05", 104505},
		{"grouped", "1,045.00", 104500},
		{"yuan sign", "¥1,045.00", 104500},
		{"full-width yuan sign", "￥1,045.00", 104500},
		{"negative", "-12.30", -1230},
		{"negative with sign", "-¥12.30", -1230},
		{"explicit plus", "+5", 500},
		{"yuan suffix", "1045.00元", 104500},
		{"sign and suffix", "¥1,045元", 104500},
		{"surrounding spaces", "  1045.00 \t", 104500},
		{"full-width spaces", "\u30001045\u3000", 104500},
		{"zero", "0", 0},
		{"negative zero", "-0.00", 0},
		{"fraction only fen", "0.01", 1},
		{"leading zeros", "007.5", 750},
		{"millions grouped", "1,234,567.89", 123456789},
		{"max", "92233720368547758.07", math.MaxInt64},
		{"min", "-92233720368547758.08", math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, reason string
	}{
		{"empty", "", "金额为空"},
		{"blank", "   ", "金额为空"},
		{"garbage", "abc", "不是数字"},
		{"sign only", "-", "不是数字"},
		{"symbol only", "¥", "不是数字"},
		{"three decimals", "1.234", "最多两位小数"},
		{"three zero decimals", "1.000", "最多两位小数"},
		{"trailing dot", "12.", "小数点后缺少数字"},
		{"leading dot", ".5", "不是数字"},
		{"two dots", "1.2.3", "不是数字"},
		{"misplaced comma", "10,45", "千分位逗号位置不对"},
		{"leading comma", ",100", "千分位逗号位置不对"},
		{"double comma", "1,,000", "千分位逗号位置不对"},
		{"long first group", "1045,000", "千分位逗号位置不对"},
		{"comma in fraction", "1.0,0", "不是数字"},
		{"sign after symbol", "¥-12", "不是数字"},
		{"double sign", "--1", "不是数字"},
		{"inner space", "1 045", "不是数字"},
		{"overflow", "92233720368547758.08", "金额超出范围"},
		{"negative overflow", "-92233720368547758.09", "金额超出范围"},
		{"huge", strings.Repeat("9", 40), "金额超出范围"},
		{"exponent", "1e3", "不是数字"},
		{"full-width digits", "１２", "不是数字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %d, want error", tt.in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("Parse(%q) error %q, want it to mention %q", tt.in, err, tt.reason)
			}
		})
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := Parse("abc")
	if got, want := err.Error(), `金额格式不正确: "abc"（不是数字）`; got != want {
		t.Errorf("error text = %q, want %q", got, want)
	}
}

// FuzzParse checks that Parse never panics, that everything it accepts
// formats back to the same amount, and that every amount's String, Plain and
// Notice forms parse back to it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1045", "1,045.00", "¥1,045.00", "-¥12.30", "1045.00元", " 0.5 ", "1.234", "10,45", ""} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(math.MaxInt64))
	f.Add("", int64(-1230))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if v, err := Parse(s); err == nil {
			if back, err := Parse(v.String()); err != nil || back != v {
				t.Errorf("Parse(%q) = %d, but Parse(%q) = %d, %v", s, v, v.String(), back, err)
			}
		} else if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", s, err)
		}
		x := Fen(n)
		for _, form := range []string{x.String(), x.Plain(), x.Notice()} {
			if got, err := Parse(form); err != nil || got != x {
				t.Errorf("Parse(%q) = %d, %v; want %d", form, got, err, x)
			}
		}
	})
}
