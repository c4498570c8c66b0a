package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestReviewNoticeSevenDays posts a case for its 7 days of 公示, both ends included: on the
// seventh day it is on the public notice and open to objections; from the eighth, although
// the street has not closed the step yet, it is neither posted nor open to objections.
func TestReviewNoticeSevenDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{Visit: f.visit(false)}) // notice from 03-04 to 03-10
		f.clock.To(civil.Date{Year: 2024, Month: 3, Day: 10})
		if rows, _ := f.s.PublicNotice(f.ctx, "370212"); len(rows) != 1 || rows[0].To != (civil.Date{Year: 2024, Month: 3, Day: 10}) {
			t.Fatalf("notice on its last day: %+v", rows)
		}
		if _, err := f.s.FileObjection(f.ctx, a.ID, "", "", "最后一天的异议", ""); err != nil {
			t.Fatalf("objection on the last day: %v", err)
		}
		f.clock.To(civil.Date{Year: 2024, Month: 3, Day: 11})
		if rows, _ := f.s.PublicNotice(f.ctx, "370212"); len(rows) != 0 {
			t.Fatalf("notice still posted after its 7 days: %+v", rows)
		}
		if _, ok, _ := f.s.NoticeCase(f.ctx, a.ID); ok {
			t.Fatal("the objection form is still offered after the notice")
		}
		if _, err := f.s.FileObjection(f.ctx, a.ID, "", "", "逾期异议", ""); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("objection after the notice: %v", err)
		}
	})
}
