package idcard

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/civil"
)

func TestNumberFields(t *testing.T) {
	type fields struct {
		Region   string
		Birth    civil.Date
		Sequence int
		Sex      Sex
		SexText  string
		SexKey   string
		Mask     string
	}
	tests := []struct {
		name string
		n    Number
		want fields
	}{
		{"man", "370212198001011235", fields{"370212", date(1980, time.January, 1), 123, Male, "男", "male", "370212********1235"}},
		{"woman", "370212198001011243", fields{"370212", date(1980, time.January, 1), 124, Female, "女", "female", "370212********1243"}},
		{"check X", "11010519491231002X", fields{"110105", date(1949, time.December, 31), 2, Female, "女", "female", "110105********002X"}},
		{"malformed", "not a number", fields{"", civil.Date{}, -1, SexUnknown, "", "", "************"}},
		{"empty", "", fields{"", civil.Date{}, -1, SexUnknown, "", "", ""}},
		{"18 letters", "abcdefghijklmnopqr", fields{"", civil.Date{}, -1, SexUnknown, "", "", "abcdef********opqr"}},
		{"six Chinese characters", "身份证号码无", fields{"", civil.Date{}, -1, SexUnknown, "", "", "******"}},
		{"impossible date", "370212198002301235", fields{"370212", civil.Date{}, 123, Male, "男", "male", "370212********1235"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n
			got := fields{n.RegionCode(), n.BirthDate(), n.Sequence(), n.Sex(), n.Sex().String(), n.Sex().Key(), n.Mask()}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("fields of %q (-want +got):\n%s", tt.n, d)
			}
		})
	}
}

func TestAgeOn(t *testing.T) {
	born1980 := Synthesize("370212", date(1980, time.March, 15), 123)
	leapling := Synthesize("370212", date(2000, time.February, 29), 1)
	tests := []struct {
		name string
		n    Number
		on   civil.Date
		want int
	}{
		{"day before 44th birthday", born1980, date(2024, time.March, 14), 43},
		{"on 44th birthday", born1980, date(2024, time.March, 15), 44},
		{"day after", born1980, date(2024, time.March, 16), 44},
		{"earlier month", born1980, date(2024, time.February, 28), 43},
		{"day of birth", born1980, date(1980, time.March, 15), 0},
		{"before birth", born1980, date(1979, time.December, 31), 0},
		{"leapling on 28 Feb common year", leapling, date(2018, time.February, 28), 17},
		{"leapling on 1 Mar common year", leapling, date(2018, time.March, 1), 18},
		{"leapling on 29 Feb leap year", leapling, date(2020, time.February, 29), 20},
		{"malformed number", "garbage", date(2024, time.January, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.AgeOn(tt.on); got != tt.want {
				t.Errorf("%s.AgeOn(%v) = %d, want %d", tt.n, tt.on, got, tt.want)
			}
		})
	}
}

func TestSynthesize(t *testing.T) {
	tests := []struct {
		name   string
		region string
		birth  civil.Date
		seq    int
		want   Number
	}{
		{"Laoshan man", "370212", date(1980, time.January, 1), 123, "370212198001011235"},
		{"check X", "370212", date(1980, time.January, 1), 3, "37021219800101003X"},
		{"retired county", "370282", date(1965, time.March, 15), 2, "370282196503150024"},
		{"sequence 0", "370202", date(1990, time.July, 7), 0, Number("37020219900707000" + string(CheckChar("37020219900707000")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Synthesize(tt.region, tt.birth, tt.seq)
			if got != tt.want {
				t.Fatalf("Synthesize = %q, want %q", got, tt.want)
			}
			if back, err := ParseAt(string(got), today); err != nil || back != got {
				t.Errorf("ParseAt(Synthesize) = %q, %v", back, err)
			}
		})
	}
}

func TestSynthesizePanicsOnBadParts(t *testing.T) {
	tests := []struct {
		name   string
		region string
		birth  civil.Date
		seq    int
	}{
		{"short region", "3702", date(1980, time.January, 1), 1},
		{"unknown province", "990212", date(1980, time.January, 1), 1},
		{"letters", "37021a", date(1980, time.January, 1), 1},
		{"zero date", "370212", civil.Date{}, 1},
		{"unnormalised date", "370212", date(1980, time.February, 30), 1},
		{"before 1900", "370212", date(1899, time.December, 31), 1},
		{"negative seq", "370212", date(1980, time.January, 1), -1},
		{"seq too big", "370212", date(1980, time.January, 1), 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Synthesize(%q, %v, %d) did not panic", tt.region, tt.birth, tt.seq)
				}
			}()
			Synthesize(tt.region, tt.birth, tt.seq)
		})
	}
}
