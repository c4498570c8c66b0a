package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

func TestMealDinerFilter(t *testing.T) {
	got := mealDinerFilter(url.Values{"q": {"  王建国 "}, "category": {"disabled"}, "status": {"active"}, "region": {"370212001"}, "page": {"2"}})
	if got.Query != "王建国" || got.Category != meals.CategoryDisabled || got.Status != meals.DinerActive || got.Region != "370212001" || got.Page != 2 {
		t.Errorf("filter %+v", got)
	}
	got = mealDinerFilter(url.Values{"q": {strings.Repeat("长", 60)}, "category": {"vip"}, "status": {"gone"}, "region": {"3702x"}})
	if len([]rune(got.Query)) != 40 || got.Category != "" || got.Status != "" || got.Region != "" || got.Page != 1 {
		t.Errorf("unknown values kept: %+v", got)
	}
}

func TestDinerRoutesNeedMealsPermissions(t *testing.T) {
	s, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]auth.Permission{
		"GET /meals/diners": auth.MealsView, "GET /meals/diners/{id}": auth.MealsView,
		"POST /meals/diners/new": auth.MealsDiners, "POST /meals/diners/{id}/relatives": auth.MealsDiners,
		"POST /meals/diners/{id}/relatives/{rel}/remove": auth.MealsDiners, "GET /meals/counter": auth.MealsServe,
		"POST /meals/counter": auth.MealsServe, "POST /meals/canteens/{id}/tokens": auth.MealsManage,
	}
	for _, r := range s.Routes() {
		if perm, ok := want[r.Method+" "+r.Pattern]; ok {
			if r.Perm != perm {
				t.Errorf("%s %s needs %s, want %s", r.Method, r.Pattern, r.Perm, perm)
			}
			delete(want, r.Method+" "+r.Pattern)
		}
	}
	for route := range want {
		t.Errorf("%s is not registered", route)
	}
}

func TestDinerStatusClass(t *testing.T) {
	for status, want := range map[string]string{meals.DinerActive: "ok", meals.DinerDeceased: "danger", meals.DinerLeft: "warn"} {
		if got := dinerStatusClass(status); got != want {
			t.Errorf("dinerStatusClass(%s) = %q, want %q", status, got, want)
		}
	}
}
