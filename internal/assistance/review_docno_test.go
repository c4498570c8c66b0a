package assistance

import (
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestReviewDecisionNumbersConcurrent issues two decisions of one district in two transactions
// that overlap, as two approvers do on PostgreSQL (SQLite serialises writers): both must be
// issued, with different numbers, instead of the second failing on the unique number.
func TestReviewDecisionNumbersConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		issue := func(tx *db.Tx) (Decision, error) {
			return f.s.issue(f.ctx, tx, f.approver, 0, 0, "370212001", "dibao", decisionInput{kind: DecisionReject, reasons: "测试"})
		}
		inserted := make(chan struct{})
		done := make(chan struct{})
		var second Decision
		var errSecond error
		go func() {
			defer close(done)
			<-inserted
			errSecond = d.InTx(f.ctx, func(tx *db.Tx) error {
				var err error
				second, err = issue(tx)
				return err
			})
		}()
		var first Decision
		errFirst := d.InTx(f.ctx, func(tx *db.Tx) error {
			var err error
			if first, err = issue(tx); err != nil {
				return err
			}
			close(inserted)
			time.Sleep(300 * time.Millisecond) // the other transaction counts and inserts meanwhile
			return nil
		})
		<-done
		if errFirst != nil || errSecond != nil {
			t.Fatalf("concurrent decisions: %v / %v", errFirst, errSecond)
		}
		if first.DocNo == second.DocNo {
			t.Fatalf("two decisions numbered %s", first.DocNo)
		}
	})
}

// TestReviewSweepsOverlap runs the sweep while another one (here: a transaction raising the same
// reminder) has not committed yet, as two application processes sharing one PostgreSQL database
// may: the later sweep must skip the reminder the other raised, not fail on it.
func TestReviewSweepsOverlap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.s.Get(f.ctx, f.officer, a.ID)
		f.clock.To(c.Current.DueOn.AddDays(2))
		raised := make(chan struct{})
		done := make(chan struct{})
		var errSweep error
		go func() {
			defer close(done)
			<-raised
			_, _, errSweep = f.s.Sweep(f.ctx)
		}()
		err = d.InTx(f.ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(f.ctx, `INSERT INTO reminders (step_id, region_code, level, raised_at) VALUES (?, ?, ?, ?)`,
				c.Current.ID, a.RegionCode, string(c.Current.Level), f.s.stamp()); err != nil {
				return err
			}
			close(raised)
			time.Sleep(300 * time.Millisecond)
			return nil
		})
		<-done
		if err != nil || errSweep != nil {
			t.Fatalf("overlapping sweeps: %v / %v", err, errSweep)
		}
		if rs, _ := f.s.Reminders(f.ctx, f.officer); len(rs) != 1 {
			t.Fatalf("%d reminders", len(rs))
		}
	})
}
