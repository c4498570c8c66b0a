package meals

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// dinerState is what the diners row holds of a diner's status.
type dinerState struct {
	status, died, left string
	version            int
}

func (f *fixture) dinerState(id int64) dinerState {
	f.t.Helper()
	var s dinerState
	if err := f.d.QueryRow(f.ctx, `SELECT status, died_on, left_on, version FROM diners WHERE id = ?`, id).Scan(&s.status,
		&s.died, &s.left, &s.version); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestSetDinerStatusPermissions tries to mark a 崂山区 diner deceased as each kind of caller:
// whoever may register diners where the diner lives may; whoever sees the diner without that
// right is refused; whoever does not see the diner does not find them.
func TestSetDinerStatusPermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		diner, _ := f.fraudDiner(f.laoshan)
		cid, _ := f.canteen(f.laoshan)
		in := DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 10), Note: "家属告知，已见死亡证明"}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			want apperr.Kind // 0: allowed
		}{
			{"auditor", &auth.Principal{Login: "audit", Role: auth.Auditor, Scope: "3702"}, apperr.Forbidden},
			{"canteen operator", &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: region.Scope(f.laoshan), OrgID: cid},
				apperr.NotFound},
			{"市南区 district", &auth.Principal{Login: "sn", Role: auth.DistrictApprover, Scope: "370202"}, apperr.NotFound},
			{"grid worker of another community", &auth.Principal{Login: "g2", Role: auth.GridWorker, Scope: region.Scope(f.shinan)},
				apperr.NotFound},
			{"nobody", nil, apperr.NotFound},
			{"grid worker of the community", &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(f.laoshan)}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.dinerState(diner)
				err := f.s.SetDinerStatus(f.ctx, tc.p, diner, before.version, in)
				if tc.want != 0 {
					wantKind(t, err, tc.want)
					if got := f.dinerState(diner); got != before {
						t.Fatalf("refused change wrote %+v", got)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := dinerState{status: DinerDeceased, died: "2024-03-10", version: before.version + 1}
				if got := f.dinerState(diner); got != want {
					t.Fatalf("stored %+v, want %+v", got, want)
				}
			})
		}
		var n int
		var detail string
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action = 'meals.diner.status' AND target_id = ?`,
			itoa(diner)).Scan(&n, &detail); err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(detail), &ev); err != nil {
			t.Fatal(err)
		}
		if n != 1 || ev["before"] != DinerActive || ev["status"] != DinerDeceased || ev["on"] != "2024-03-10" || ev["note"] != in.Note {
			t.Fatalf("%d audited, detail %s", n, detail)
		}
	})
}

// TestSetDinerStatusRefuses sends changes the store refuses, each with a Chinese message on the
// field at fault, and checks nothing was written.
func TestSetDinerStatusRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		diner, _ := f.fraudDiner(f.laoshan) // born 1950-06-01
		ok := DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 10), Note: "死亡证明"}
		tests := []struct {
			name  string
			edit  func(*DinerStatusInput)
			field string
			text  string
		}{
			{"unknown status", func(in *DinerStatusInput) { in.Status = "gone" }, "status", "请选择状态"},
			{"no date of death", func(in *DinerStatusInput) { in.On = civil.Date{} }, "on", "请填写死亡日期"},
			{"death tomorrow", func(in *DinerStatusInput) { in.On = day(2024, 3, 21) }, "on", "死亡日期不能晚于今天（2024-03-20）"},
			{"death before birth", func(in *DinerStatusInput) { in.On = day(1950, 5, 31) }, "on", "死亡日期不能早于出生日期"},
			{"left without a date", func(in *DinerStatusInput) { in.Status, in.On = DinerLeft, civil.Date{} }, "on", "请填写注销"},
			{"left next week", func(in *DinerStatusInput) { in.Status, in.On = DinerLeft, day(2024, 3, 27) }, "on", "注销日期不能晚于今天"},
			{"no note", func(in *DinerStatusInput) { in.Note = "  " }, "note", "请填写说明"},
			{"a note too long", func(in *DinerStatusInput) { in.Note = strings.Repeat("长", maxStatusNote+1) }, "note", "不能超过 200 个字"},
			{"active again while active", func(in *DinerStatusInput) { in.Status = DinerActive }, "status", "没有变化"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				in := ok
				tc.edit(&in)
				before := f.dinerState(diner)
				err := f.s.SetDinerStatus(f.ctx, f.officer, diner, before.version, in)
				wantKind(t, err, apperr.Invalid)
				if e := apperr.As(err); e.Field != tc.field || !strings.Contains(e.Message, tc.text) {
					t.Fatalf("error on %q: %q, want %q on %q", e.Field, e.Message, tc.text, tc.field)
				}
				if got := f.dinerState(diner); got != before {
					t.Fatalf("refused change wrote %+v", got)
				}
			})
		}
		// The version read before someone else's change is stale.
		v := f.dinerState(diner).version
		if err := f.s.SetDinerStatus(f.ctx, f.officer, diner, v, ok); err != nil {
			t.Fatal(err)
		}
		again := DinerStatusInput{Status: DinerLeft, On: day(2024, 3, 12), Note: "迁往外地"}
		err := f.s.SetDinerStatus(f.ctx, f.officer, diner, v, again)
		wantKind(t, err, apperr.Conflict)
		if e := apperr.As(err); e.Code != "meals.stale" {
			t.Fatalf("stale: %v", err)
		}
		// The same status and date again changes nothing, so it is refused.
		err = f.s.SetDinerStatus(f.ctx, f.officer, diner, v+1, ok)
		if e := apperr.As(err); e.Field != "status" {
			t.Fatalf("unchanged: %v", err)
		}
	})
}

// TestSetDinerStatusDates walks a diner through the statuses and checks the dates kept: the date of
// death while deceased, the date of leaving while left, none once active again (a mistake
// corrected), and what the counter does meanwhile.
func TestSetDinerStatusDates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		cid, item := f.canteen(f.laoshan)
		diner, card := f.fraudDiner(f.laoshan)
		steps := []struct {
			in   DinerStatusInput
			want dinerState
		}{
			{DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 10), Note: "家属告知"}, dinerState{status: DinerDeceased, died: "2024-03-10"}},
			{DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 9), Note: "按死亡证明更正日期"}, dinerState{status: DinerDeceased, died: "2024-03-09"}},
			{DinerStatusInput{Status: DinerActive, On: day(2024, 3, 9), Note: "误报，本人健在"}, dinerState{status: DinerActive}},
			{DinerStatusInput{Status: DinerLeft, On: day(2024, 3, 20), Note: "随子女迁往济南"}, dinerState{status: DinerLeft, left: "2024-03-20"}},
		}
		for i, st := range steps {
			v := f.dinerState(diner).version
			if err := f.s.SetDinerStatus(f.ctx, f.officer, diner, v, st.in); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			st.want.version = v + 1
			if got := f.dinerState(diner); got != st.want {
				t.Fatalf("step %d: stored %+v, want %+v", i, got, st.want)
			}
			on, err := f.s.DinerStatusOn(f.ctx, f.officer, diner)
			if wantOn := st.in.On; err != nil || st.in.Status == DinerActive && !on.IsZero() || st.in.Status != DinerActive && on != wantOn {
				t.Fatalf("step %d: status date %v, %v", i, on, err)
			}
			switch i {
			case 0: // deceased: the counter serves at full price and flags the meal
				r, _ := f.serve(cid, item, card, "after-death")
				if r.DinerPays != money.Yuan(12) || r.Subsidy() != 0 || !strings.Contains(joinList(r.Flags), FlagDeceased) {
					t.Fatalf("meal after death: %+v", r)
				}
			case 2: // active again: subsidised
				r, _ := f.serve(cid, item, card, "alive-again")
				if r.Subsidy() == 0 {
					t.Fatalf("meal once active again: %+v", r)
				}
			}
		}
		// Whoever does not see the diner does not read the date either.
		shinan := &auth.Principal{Login: "s", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])}
		if _, err := f.s.DinerStatusOn(f.ctx, shinan, diner); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("out of sight: %v", err)
		}
	})
}

// TestScanFraudDiedOn marks a diner deceased with a date of death ten days before the office
// learns of it: the scan flags the meals recorded after that day, not those of the day itself or
// before, with the staff as the source.
func TestScanFraudDiedOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		cid, item := f.canteen(f.laoshan)
		dead, _ := f.fraudDiner(f.laoshan)
		alive, _ := f.fraudDiner(f.laoshan)
		before := f.fraudMeal(cid, item, dead, at(9, 11, 0), true)
		sameDay := f.fraudMeal(cid, item, dead, at(10, 11, 0), true)
		nextDay := f.fraudMeal(cid, item, dead, at(11, 11, 0), true)
		later := f.fraudMeal(cid, item, dead, at(18, 11, 30), true)
		f.fraudMeal(cid, item, alive, at(18, 11, 0), true)
		if before == 0 || sameDay == 0 {
			t.Fatal("meals not planted")
		}
		// Marked on the 20th, with the date of death the family gave: the 10th.
		v := f.dinerState(dead).version
		if err := f.s.SetDinerStatus(f.ctx, f.officer, dead, v, DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 10),
			Note: "家属到社区告知"}); err != nil {
			t.Fatal(err)
		}
		f.fraudScan(onlyRule("deceased"))
		got := f.fraudFlags("deceased")
		wantFlagged(t, got, nextDay, later)
		from := time.Date(2024, time.March, 11, 0, 0, 0, 0, civil.China)
		if ev := got[nextDay].evidence; ev.DeathSource != DeathFromStaff || ev.StatusSince != fraudTime(from) || ev.DeathDate != "2024-03-10" {
			t.Errorf("staff evidence %+v", ev)
		}
		if lines := ExplainFlag("deceased", got[nextDay].evidence); len(lines) == 0 || !strings.Contains(lines[0], "工作人员登记的死亡日期为 2024-03-10") {
			t.Errorf("explanation %q", lines)
		}
	})
}
