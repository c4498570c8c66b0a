package app

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// The access-matrix entries of the meal statistics page and API. Neither names a record in its
// path, so the matrix checks the permission; the scope of the region asked for is tested by
// TestMealStatsOverHTTP below, on the demo city's meals.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /meals/stats": func(accessTarget) accessRequest { return accessRequest{path: "/meals/stats"} },
		"GET /api/v1/meals/stats": func(accessTarget) accessRequest {
			return accessRequest{path: "/api/v1/meals/stats?from=" + civil.MonthOf(civil.Today(time.Now())).Prev().String()}
		},
	})
}

// mealStatsJSON is the part of GET /api/v1/meals/stats the test reads.
type mealStatsJSON struct {
	Region    string `json:"region"`
	Level     int    `json:"level"`
	CanteenID int64  `json:"canteen_id"`
	Total     struct {
		Meals      int   `json:"meals"`
		SubsidyFen int64 `json:"subsidy_fen"`
	} `json:"total"`
	ByRegion []struct {
		Region string `json:"region"`
		Meals  int    `json:"meals"`
	} `json:"by_region"`
}

// TestMealStatsOverHTTP reads the demo city's meal statistics through the page and the API as
// the city, a district, a street officer of another district and the canteen operator: each
// sees their own area (or canteen), rows add up to the total, a region outside the caller's
// scope is not found.
func TestMealStatsOverHTTP(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		m := startDemo(t, dsn)
		ctx := context.Background()
		today := civil.Today(m.Now())
		from, to := civil.MonthOf(today).Prev(), civil.MonthOf(today)
		api := func(t *testing.T, login, query string) (int, mealStatsJSON) {
			t.Helper()
			code, body, _ := getWith(t, signIn(t, m, login), m.URL()+"/api/v1/meals/stats?from="+from.String()+"&to="+to.String()+query)
			var st mealStatsJSON
			if code == http.StatusOK {
				if err := json.Unmarshal([]byte(body), &st); err != nil {
					t.Fatal(err)
				}
			}
			return code, st
		}
		count := func(where string, args ...any) int {
			t.Helper()
			var n int
			if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE status = 'served' AND `+where, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		t.Run("the city", func(t *testing.T) {
			code, st := api(t, "admin", "")
			sum := 0
			for _, r := range st.ByRegion {
				sum += r.Meals
			}
			if code != http.StatusOK || st.Region != "3702" || st.Level != 3 || len(st.ByRegion) != 10 || st.Total.Meals == 0 ||
				st.Total.Meals != count(`1 = 1`) || sum != st.Total.Meals || st.Total.SubsidyFen == 0 {
				t.Fatalf("status %d: %+v (rows sum to %d)", code, st, sum)
			}
			code, page, _ := getWith(t, signIn(t, m, "admin"), m.URL()+"/meals/stats")
			if code != http.StatusOK || !strings.Contains(page, "崂山区") || !strings.Contains(page, "region=370212") {
				t.Fatalf("page: status %d", code)
			}
			code, csv, h := getWith(t, signIn(t, m, "admin"), m.URL()+"/meals/stats?format=csv&region=370212")
			if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "中韩街道") {
				t.Fatalf("CSV: status %d, %s", code, h.Get("Content-Type"))
			}
		})
		t.Run("a district approver by street", func(t *testing.T) {
			code, st := api(t, "laoshan", "")
			if code != http.StatusOK || st.Region != "370212" || st.Level != 4 || st.Total.Meals != count(`region_code >= '370212' AND region_code < '370213'`) {
				t.Fatalf("status %d: %+v", code, st)
			}
			if code, _ := api(t, "laoshan", "&region=370202"); code != http.StatusNotFound {
				t.Errorf("another district: status %d, want 404", code)
			}
		})
		t.Run("a street officer of 市南区", func(t *testing.T) {
			if code, _ := api(t, "badaguan", "&region=370212"); code != http.StatusNotFound {
				t.Errorf("崂山区 for 八大关街道: status %d, want 404", code)
			}
		})
		t.Run("the canteen operator", func(t *testing.T) {
			code, st := api(t, "canteen", "")
			if code != http.StatusOK || st.CanteenID != 1 || st.Total.Meals == 0 || st.Total.Meals != count(`canteen_id = 1`) ||
				len(st.ByRegion) != 1 {
				t.Fatalf("status %d: %+v", code, st)
			}
		})
		t.Run("bad months", func(t *testing.T) {
			code, body, _ := getWith(t, signIn(t, m, "admin"), m.URL()+"/api/v1/meals/stats?from=2024-13")
			if code != http.StatusBadRequest || !strings.Contains(body, `"field":"from"`) {
				t.Errorf("status %d: %s", code, body)
			}
		})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}
