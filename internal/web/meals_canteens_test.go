package web

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/msg"
)

func TestOpenDaysText(t *testing.T) {
	s := &Site{msg: msg.Default()}
	for days, want := range map[string]string{"1111111": "每天", "1111100": "每周一二三四五", "0000011": "每周六日", "0000000": "无营业日"} {
		if got := s.openDaysText(days); got != want {
			t.Errorf("openDaysText(%q) = %q, want %q", days, got, want)
		}
	}
}

func TestCanteenFrom(t *testing.T) {
	tests := []struct {
		name      string
		values    url.Values
		want      meals.CanteenInput
		wantField string
	}{
		{"weekdays with delivery", url.Values{"name": {"长者食堂"}, "region_code": {" 370212001001 "}, "capacity": {"80"},
			"cutoff_minutes": {"90"}, "open_day": {"0", "1", "2", "3", "4", "9", "x"}, "delivery": {"1"}, "status": {"open"}},
			meals.CanteenInput{Name: "长者食堂", RegionCode: "370212001001", Capacity: 80, CutoffMinutes: 90, OpenDays: "1111100",
				Delivery: true, Status: "open"}, ""},
		{"no opening day", url.Values{"name": {"长者食堂"}}, meals.CanteenInput{}, "open_days"},
		{"capacity in words", url.Values{"capacity": {"八十"}, "open_day": {"0"}}, meals.CanteenInput{}, "capacity"},
		{"cut-off in words", url.Values{"cutoff_minutes": {"两小时"}, "open_day": {"0"}}, meals.CanteenInput{}, "cutoff_minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canteenFrom(&form{Values: tt.values, Errors: map[string]string{}})
			if tt.wantField != "" {
				if e := apperr.As(err); err == nil || e.Field != tt.wantField {
					t.Fatalf("error %v, want one on %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCanteenValuesRoundTrip(t *testing.T) {
	c := &meals.Canteen{Name: "长者食堂", Operator: "社区", Address: "路1号", Latitude: "36.1", Longitude: "120.4",
		RegionCode: "370212001001", Capacity: 50, OpenDays: "1010101", Delivery: true, CutoffMinutes: 60, Status: "suspended", Version: 3}
	in, err := canteenFrom(&form{Values: canteenValues(c), Errors: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	want := meals.CanteenInput{Name: c.Name, Operator: c.Operator, Address: c.Address, Latitude: c.Latitude, Longitude: c.Longitude,
		RegionCode: c.RegionCode, Capacity: c.Capacity, OpenDays: c.OpenDays, Delivery: true, CutoffMinutes: 60, Status: c.Status}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("the edit form does not give back the canteen (-want +got):\n%s", diff)
	}
}

func TestMealCanteenFilter(t *testing.T) {
	got := mealCanteenFilter(url.Values{"region": {"370212"}, "status": {"open"}, "page": {"3"}})
	if got.Region != "370212" || got.Status != "open" || got.Page != 3 || got.PerPage != mealCanteensPerPage {
		t.Errorf("filter %+v", got)
	}
	got = mealCanteenFilter(url.Values{"region": {"37021"}, "status": {"deleted"}, "page": {"-1"}})
	if got.Region != "" || got.Status != "" || got.Page != 1 {
		t.Errorf("unknown values kept: %+v", got)
	}
}

func TestGroupMenu(t *testing.T) {
	items := []meals.MenuItem{{ID: 1, MealType: meals.Dinner}, {ID: 2, MealType: meals.Breakfast}, {ID: 3, MealType: meals.Dinner}}
	got := map[string][]int64{}
	var order []string
	for _, g := range groupMenu(items) {
		order = append(order, g.MealType)
		for _, it := range g.Items {
			got[g.MealType] = append(got[g.MealType], it.ID)
		}
	}
	// In the order of a day, with no empty lunch group.
	if diff := cmp.Diff([]string{meals.Breakfast, meals.Dinner}, order); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]int64{meals.Breakfast: {2}, meals.Dinner: {1, 3}}, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestMealTypeAt(t *testing.T) {
	for hour, want := range map[int]string{6: meals.Breakfast, 9: meals.Breakfast, 10: meals.Lunch, 14: meals.Lunch, 15: meals.Dinner, 23: meals.Dinner} {
		if got := mealTypeAt(hour); got != want {
			t.Errorf("mealTypeAt(%d) = %s, want %s", hour, got, want)
		}
	}
}

func TestNewServeKeyIsFreshAndValid(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		k, err := newServeKey()
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != 36 || seen[k] {
			t.Fatalf("key %q: length %d, seen before %v", k, len(k), seen[k])
		}
		seen[k] = true
	}
}
