package assistance

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestReviewFreeTextBounded refuses a withdrawal without a reason or with one longer than any
// other note of a case, and a death report with an overlong note: every free text a case keeps
// is bounded, as Act bounds its notes.
func TestReviewFreeTextBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("长", 2001)
		for _, reason := range []string{"  ", long} {
			if _, err := f.s.Withdraw(f.ctx, f.officer, a.ID, a.Version, reason, ""); apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("withdrawal with a reason of %d runes: %v", len([]rune(reason)), err)
			}
		}
		_, _, e := f.approvedDibao(money.Yuan(300))
		if err := f.s.ReportDeath(f.ctx, f.officer, e.ID, e.Version, civil.Date{Year: 2024, Month: 3, Day: 10}, long, ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("death report with an overlong note: %v", err)
		}
	})
}

// TestReviewDocumentForbiddenInScope has an auditor, who may read the case, upload to it: the
// answer is forbidden (403), not "no such case" — that is for cases out of scope.
func TestReviewDocumentForbiddenInScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)
		auditor := &auth.Principal{Login: "shenji", Role: auth.Auditor, Scope: "370212"}
		if _, err := f.s.Get(f.ctx, auditor, a.ID); err != nil {
			t.Fatalf("the auditor cannot read the case: %v", err)
		}
		if _, err := f.s.AddDocument(f.ctx, Uploader{Officer: auditor}, a.ID, "id_card", "a.png", png); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("auditor upload: %v", err)
		}
		if _, err := f.s.AddDocument(f.ctx, Uploader{Officer: f.other}, a.ID, "id_card", "a.png", png); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("upload out of scope: %v", err)
		}
		if _, err := f.s.AddDocument(f.ctx, Uploader{Officer: f.officer}, a.ID, "id_card", "a.png", png); err != nil {
			t.Fatal(err)
		}
	})
}

// TestReviewMeetingAfterAcceptance records 民主评议 dated before the case was accepted, which
// cannot have been about it, as a visit before acceptance cannot.
func TestReviewMeetingAfterAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{Visit: f.visit(true)})
		early := a.AcceptedOn.AddDays(-3)
		_, err = f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepMeeting, Version: a.Version,
			Meeting: &Meeting{HeldOn: early, Attendees: 5, For: 5, Record: "同意"}})
		if apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("民主评议 before acceptance: %v", err)
		}
	})
}
