package money

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTo(t *testing.T) {
	tests := []struct {
		name string
		in   Fen
		unit Fen
		// want per mode: HalfUp, Down, Up, HalfEven
		want [4]Fen
	}{
		{"exact yuan", 104500, OneYuan, [4]Fen{104500, 104500, 104500, 104500}},
		{"below half", 104549, OneYuan, [4]Fen{104500, 104500, 104600, 104500}},
		{"half even below", 104450, OneYuan, [4]Fen{104500, 104400, 104500, 104400}},
		{"half odd below", 104550, OneYuan, [4]Fen{104600, 104500, 104600, 104600}},
		{"above half", 104551, OneYuan, [4]Fen{104600, 104500, 104600, 104600}},
		{"one fen", 1, OneYuan, [4]Fen{0, 0, 100, 0}},
		{"negative below half", -104549, OneYuan, [4]Fen{-104500, -104500, -104600, -104500}},
		{"negative half", -250, OneYuan, [4]Fen{-300, -200, -300, -200}},
		{"negative half odd", -350, OneYuan, [4]Fen{-400, -300, -400, -400}},
		{"negative one fen", -1, OneYuan, [4]Fen{0, 0, -100, 0}},
		{"jiao half", 125, OneJiao, [4]Fen{130, 120, 130, 120}},
		{"jiao below", 1234, OneJiao, [4]Fen{1230, 1230, 1240, 1230}},
		{"to fen is identity", -987, OneFen, [4]Fen{-987, -987, -987, -987}},
		{"ten yuan", Yuan(1045), Yuan(10), [4]Fen{Yuan(1050), Yuan(1040), Yuan(1050), Yuan(1040)}},
	}
	modes := [4]Rounding{RoundHalfUp, RoundDown, RoundUp, RoundHalfEven}
	for _, tt := range tests {
		for i, mode := range modes {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				if got := tt.in.RoundTo(tt.unit, mode); got != tt.want[i] {
					t.Errorf("%d.RoundTo(%d, %v) = %d, want %d", tt.in, tt.unit, mode, got, tt.want[i])
				}
			})
		}
	}
}

func TestMulRatio(t *testing.T) {
	tests := []struct {
		name     string
		f        Fen
		num, den int64
		mode     Rounding
		want     Fen
	}{
		{"two thirds half up", 100, 2, 3, RoundHalfUp, 67},
		{"two thirds down", 100, 2, 3, RoundDown, 66},
		{"one third up", 100, 1, 3, RoundUp, 34},
		{"exact", 104500, 3, 5, RoundDown, 62700},
		{"percent half up", 1001, 50, 100, RoundHalfUp, 501},
		{"percent half even", 1001, 50, 100, RoundHalfEven, 500},
		{"percent half even odd", 1003, 50, 100, RoundHalfEven, 502},
		{"37.5 percent", 104500, 375, 1000, RoundHalfUp, 39188},
		{"negative amount", -100, 2, 3, RoundHalfUp, -67},
		{"negative amount down", -100, 2, 3, RoundDown, -66},
		{"negative denominator", 100, 2, -3, RoundUp, -67},
		{"both negative", -100, -2, -3, RoundUp, -67},
		{"zero", 0, 7, 9, RoundUp, 0},
		{"wide product", math.MaxInt64, 3, 3, RoundDown, math.MaxInt64},
		{"wide product rounded", math.MaxInt64, 2, 4, RoundHalfUp, math.MaxInt64/2 + 1},
		{"wide product half even", math.MaxInt64, 2, 4, RoundHalfEven, math.MaxInt64/2 + 1},
		{"wide negative", math.MinInt64, 1, 2, RoundDown, math.MinInt64 / 2},
		{"wide negative half", math.MinInt64 + 1, 1, 2, RoundHalfUp, math.MinInt64 / 2},
		{"min denominator", 100, math.MinInt64, math.MinInt64, RoundDown, 100},
		{"min times minus one over minus one", math.MinInt64, -1, -1, RoundDown, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MulRatio(tt.f, tt.num, tt.den, tt.mode); got != tt.want {
				t.Errorf("MulRatio(%d, %d, %d, %v) = %d, want %d", tt.f, tt.num, tt.den, tt.mode, got, tt.want)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"zero unit", func() { Fen(1).RoundTo(0, RoundDown) }},
		{"zero mode", func() { Fen(100).RoundTo(OneYuan, 0) }},
		{"unknown mode", func() { MulRatio(1, 1, 1, Rounding(99)) }},
		{"zero denominator", func() { MulRatio(1, 1, 0, RoundDown) }},
		{"ratio overflow", func() { MulRatio(math.MaxInt64, 2, 1, RoundDown) }},
		{"split into zero", func() { Split(100, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			tt.fn()
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		total Fen
		parts int
		want  []Fen
	}{
		{"even", 300, 3, []Fen{100, 100, 100}},
		{"remainder to first", 100, 3, []Fen{34, 33, 33}},
		{"two extra", 101, 3, []Fen{34, 34, 33}},
		{"fewer fen than parts", 2, 5, []Fen{1, 1, 0, 0, 0}},
		{"negative", -100, 3, []Fen{-34, -33, -33}},
		{"zero", 0, 2, []Fen{0, 0}},
		{"one part", 12345, 1, []Fen{12345}},
		{"min", math.MinInt64, 2, []Fen{math.MinInt64 / 2, math.MinInt64 / 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.total, tt.parts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Split(%d, %d) mismatch (-want +got):\n%s", tt.total, tt.parts, diff)
			}
			var sum Fen
			for _, p := range got {
				sum += p
			}
			if sum != tt.total {
				t.Errorf("sum = %d, want %d", sum, tt.total)
			}
		})
	}
}

func TestRoundingString(t *testing.T) {
	if got := RoundHalfUp.String(); got != "四舍五入" {
		t.Errorf("RoundHalfUp.String() = %q", got)
	}
	if got := Rounding(0).String(); got != "Rounding(0)" {
		t.Errorf("Rounding(0).String() = %q", got)
	}
}
