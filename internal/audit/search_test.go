package audit

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// searchEvents is a small log whose every field a filter can tell apart. Its ids are 1 to 8 and
// its times t0 to t0+7s.
var searchEvents = []Event{
	{Actor: "zhang", Action: ActionLogin, RegionCode: "370202"},
	{Actor: "zhang", Action: ActionPIIReveal, TargetType: "person", TargetID: "11", RegionCode: "370202001"},
	{Actor: "li", Action: ActionLoginFailed},
	{Actor: "li", Action: ActionApprove, TargetType: "application", TargetID: "5", RegionCode: "370203"},
	{Actor: "wang", Action: ActionExport, RegionCode: "370211"},
	{Actor: "zhang", Action: ActionLogout, RegionCode: "370202"},
	{Actor: "li", Action: ActionPIIReveal, TargetType: "person", TargetID: "12", RegionCode: "370203005"},
	{Actor: "admin", Action: "auth_x.login", RegionCode: "3702_2"}, // wildcard characters must stay literal
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name      string
		filter    Filter
		wantIDs   []int64
		wantTotal int
	}{
		{"everything, newest first", Filter{}, []int64{8, 7, 6, 5, 4, 3, 2, 1}, 8},
		{"actor", Filter{Actor: "zhang"}, []int64{6, 2, 1}, 3},
		{"action exact", Filter{Action: ActionPIIReveal}, []int64{7, 2}, 2},
		{"action exact is not a prefix", Filter{Action: "auth.login"}, []int64{1}, 1},
		{"action prefix", Filter{Action: "auth."}, []int64{6, 3, 1}, 3},
		{"action prefix, upper case", Filter{Action: "AUTH."}, []int64{6, 3, 1}, 3},
		{"underscore is literal", Filter{Action: "auth_x."}, []int64{8}, 1},
		{"region prefix", Filter{RegionPrefix: "370202"}, []int64{6, 2, 1}, 3},
		{"region wildcard is literal", Filter{RegionPrefix: "3702_"}, []int64{8}, 1},
		{"scope", Filter{Scope: "370203"}, []int64{7, 4}, 2},
		{"scope and region both apply", Filter{Scope: "370203", RegionPrefix: "370202"}, nil, 0},
		{"target", Filter{TargetType: "person", TargetID: "12"}, []int64{7}, 1},
		{"from inclusive", Filter{From: t0.Add(6 * time.Second)}, []int64{8, 7}, 2},
		{"to exclusive", Filter{To: t0.Add(2 * time.Second)}, []int64{2, 1}, 2},
		{"window in another zone", Filter{
			From: t0.Add(2 * time.Second).In(time.FixedZone("CST", 8*3600)),
			To:   t0.Add(4 * time.Second).In(time.FixedZone("CST", 8*3600)),
		}, []int64{4, 3}, 2},
		{"page 2 of 3 per page", Filter{PerPage: 3, Page: 2}, []int64{5, 4, 3}, 8},
		{"last, short page", Filter{PerPage: 3, Page: 3}, []int64{2, 1}, 8},
		{"page past the end", Filter{PerPage: 3, Page: 4}, nil, 8},
		{"page 0 is page 1", Filter{PerPage: 2, Page: 0}, []int64{8, 7}, 8},
		{"filter and page", Filter{Actor: "li", PerPage: 2, Page: 2}, []int64{3}, 3},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := testLog()
		for _, e := range searchEvents {
			if _, err := l.Record(ctx, d, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				recs, total, err := Search(ctx, d, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, r := range recs {
					ids = append(ids, r.ID)
				}
				if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
					t.Errorf("ids (-want +got):\n%s", diff)
				}
				if total != tt.wantTotal {
					t.Errorf("total = %d, want %d", total, tt.wantTotal)
				}
			})
		}
	})
}

func TestSearchPerPageCap(t *testing.T) {
	d := dbtest.SQLite(t)
	seed(t, testLog(), d, MaxPerPage+1)
	recs, total, err := Search(context.Background(), d, Filter{PerPage: MaxPerPage * 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != MaxPerPage || total != MaxPerPage+1 {
		t.Errorf("got %d records of %d; want %d of %d", len(recs), total, MaxPerPage, MaxPerPage+1)
	}
}
