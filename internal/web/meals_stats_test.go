package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// mealStatsSite is a site over a city with a fortnight of lunches at one canteen of 崂山区 中韩街道
// and one of 市南区, served to four diners.
func mealStatsSite(t *testing.T, d *db.DB) (*Site, *meals.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2024, 3, 20, 10, 0, 0, 0, civil.China) }
	log := &audit.Log{Now: now}
	store := &meals.Store{DB: d, Keys: keys, Audit: log, Registry: &registry.Store{DB: d, Keys: keys, Audit: log, Now: now},
		Policies: meals.DefaultPolicies(), Now: now}
	admin := &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"}
	var hist []meals.HistoricMeal
	for i, district := range []string{"370212", "370202"} {
		var community string
		if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE level = 5 AND code >= ? AND code < ?`, district+"001",
			district+"002").Scan(&community); err != nil {
			t.Fatal(err)
		}
		cid, err := store.CreateCanteen(ctx, admin, meals.CanteenInput{Name: "长者食堂", Operator: "社区居委会", Address: "测试路 1 号",
			RegionCode: community})
		if err != nil {
			t.Fatal(err)
		}
		item, err := store.AddMenuItem(ctx, admin, cid, meals.MenuItem{Name: "两荤两素", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 2; k++ {
			reg, err := store.RegisterDiner(ctx, admin, meals.DinerInput{Name: "用餐人",
				IDNumber: string(idcard.Synthesize(district, civil.Date{Year: 1950, Month: 1, Day: 1 + k}, 10*i+k+1)), HomeRegion: community})
			if err != nil {
				t.Fatal(err)
			}
			for day := 1; day <= 14; day++ {
				hist = append(hist, meals.HistoricMeal{CanteenID: cid, DinerID: reg.DinerID, MenuItemID: item,
					At: time.Date(2024, 3, day, 11, 30, 0, 0, civil.China)})
			}
		}
	}
	if _, err := store.RecordHistory(ctx, hist); err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{DB: d, Meals: store, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s, store
}

// getAs calls the statistics page as p.
func getAs(s *Site, p *auth.Principal, target string) *http.Response {
	r := httptest.NewRequest("GET", target, nil)
	r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	w := httptest.NewRecorder()
	s.mealStatsPage(w, r)
	return w.Result()
}

func TestMealStatsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := mealStatsSite(t, d)
		admin := &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"}
		body := func(resp *http.Response) string {
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		t.Run("the city by district, with links down", func(t *testing.T) {
			resp := getAs(s, admin, "/meals/stats?from=2024-03&to=2024-03")
			page := body(resp)
			// 56 lunches, 4 diners, ¥336.00 of subsidy (¥6 each), two districts with meals.
			for _, want := range []string{"崂山区", "市南区", `region=370212`, ">56<", ">4<", "¥336.00", "¥672.00"} {
				if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
					t.Fatalf("status %d, page lacks %q", resp.StatusCode, want)
				}
			}
		})
		t.Run("a district by street", func(t *testing.T) {
			page := body(getAs(s, admin, "/meals/stats?from=2024-03&to=2024-03&region=370212"))
			if !strings.Contains(page, "中韩街道") || !strings.Contains(page, "region=370212001") || strings.Contains(page, "市南区</a></th>") {
				t.Fatalf("district page:\n%.2000s", page)
			}
		})
		t.Run("CSV", func(t *testing.T) {
			resp := getAs(s, admin, "/meals/stats?from=2024-02&to=2024-03&format=csv")
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("status %d, type %s", resp.StatusCode, ct)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body(resp), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			last := recs[len(recs)-1]
			if recs[0][0] != "地区代码" || last[1] != "合计" || last[3] != "56" || last[4] != "4" || last[13] != "336.00" {
				t.Fatalf("head %v, total %v", recs[0], last)
			}
		})
		t.Run("refusals", func(t *testing.T) {
			officer := &auth.Principal{Login: "zhonghan", Role: auth.StreetOfficer, Scope: region.Scope("370212001")}
			for target, want := range map[string]int{
				"/meals/stats?region=370202":               http.StatusNotFound,
				"/meals/stats?from=2024-13":                http.StatusBadRequest,
				"/meals/stats?from=2024-03&to=2023-03":     http.StatusBadRequest,
				"/meals/stats?from=2024-03&region=3702123": http.StatusBadRequest,
			} {
				if got := getAs(s, officer, target).StatusCode; got != want {
					t.Errorf("%s: status %d, want %d", target, got, want)
				}
			}
			page := body(getAs(s, officer, "/meals/stats?from=2024-03&to=2024-03"))
			if !strings.Contains(page, ">28<") || strings.Contains(page, ">56<") {
				t.Errorf("the street officer sees more than their street:\n%.3000s", page)
			}
		})
	})
}
