package assistance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// maxAmount bounds any amount typed into a case: 1,000,000 yuan.
const maxAmount = money.Fen(100_000_000)

// decisionInput is what an act decides; issue turns it into a numbered, immutable decision.
type decisionInput struct {
	kind        string
	amount      money.Fen
	oneOff      bool
	effective   civil.Date
	reasons     string
	explanation string
	corrects    int64
	entitlement int64
}

// issue writes a decision of the case. Its number is the district's next for the year. A
// decision is never updated afterwards: nothing in this package writes to an issued row.
func (c *caseTx) issue(ctx context.Context, in decisionInput) (Decision, error) {
	return c.s.issue(ctx, c.tx, c.p, c.a.ID, c.a.HouseholdID, c.a.RegionCode, c.a.Program, in)
}

func (s *Store) issue(ctx context.Context, tx *db.Tx, p *auth.Principal, appID, householdID int64, region, program string, in decisionInput) (Decision, error) {
	today := s.today()
	if in.effective.IsZero() {
		in.effective = today
	}
	district := region
	if len(district) > 6 {
		district = district[:6]
	}
	prefix := fmt.Sprintf("民救〔%d〕%s-", today.Year, district)
	d := Decision{ApplicationID: appID, HouseholdID: householdID,
		EntitlementID: in.entitlement, RegionCode: region, Program: program, Kind: in.kind, Amount: in.amount, OneOff: in.oneOff,
		EffectiveOn: in.effective, Reasons: in.reasons, Explanation: in.explanation, Corrects: in.corrects,
		IssuedBy: p.Login, IssuedRole: string(p.Role), IssuedAt: s.now()}
	// The number is the district's count for the year plus one. Two approvers of a district
	// may count at once on PostgreSQL (SQLite has one writer): the later insert then fails on
	// the unique number, and is retried from a savepoint — portable SQL — once the other
	// decision is visible, instead of failing the whole act.
	for attempt := 0; ; attempt++ {
		if _, err := tx.Exec(ctx, `SAVEPOINT decision_no`); err != nil {
			return Decision{}, err
		}
		n, err := s.countDecisions(ctx, tx, prefix)
		if err != nil {
			return Decision{}, err
		}
		d.DocNo = fmt.Sprintf("%s%05d号", prefix, n+1)
		err = tx.QueryRow(ctx, `INSERT INTO decisions (doc_no, application_id, household_id, entitlement_id, region_code, program,
			kind, amount_fen, one_off, effective_on, reasons, explanation, corrects, issued_by, issued_role, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.DocNo, nullID(appID), nullID(householdID),
			nullID(in.entitlement), region, program, in.kind, int64(in.amount), in.oneOff, in.effective.String(), in.reasons,
			in.explanation, nullID(in.corrects), d.IssuedBy, d.IssuedRole, db.FormatTime(d.IssuedAt)).Scan(&d.ID)
		if err == nil {
			_, err = tx.Exec(ctx, `RELEASE SAVEPOINT decision_no`)
			return d, err
		}
		if _, rbErr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT decision_no`); rbErr != nil {
			return Decision{}, errors.Join(err, rbErr)
		}
		// Retry only when another decision took the number meanwhile.
		again, cErr := s.countDecisions(ctx, tx, prefix)
		if cErr != nil || again <= n || attempt >= 5 {
			return Decision{}, err
		}
	}
}

// countDecisions counts the decisions numbered under prefix (a district's year).
func (s *Store) countDecisions(ctx context.Context, tx *db.Tx, prefix string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM decisions WHERE doc_no LIKE ?`, prefix+"%").Scan(&n)
	return n, err
}

const decisionColumns = `id, doc_no, COALESCE(application_id, 0), COALESCE(household_id, 0), COALESCE(entitlement_id, 0),
	region_code, program, kind, amount_fen, one_off, effective_on, reasons, explanation, COALESCE(corrects, 0), issued_by,
	issued_role, issued_at`

func scanDecision(row interface{ Scan(...any) error }) (Decision, error) {
	var d Decision
	var amount int64
	var eff, at string
	err := row.Scan(&d.ID, &d.DocNo, &d.ApplicationID, &d.HouseholdID, &d.EntitlementID, &d.RegionCode, &d.Program, &d.Kind,
		&amount, &d.OneOff, &eff, &d.Reasons, &d.Explanation, &d.Corrects, &d.IssuedBy, &d.IssuedRole, &at)
	d.Amount = money.Fen(amount)
	d.EffectiveOn, _ = civil.ParseDate(eff)
	d.IssuedAt, _ = db.ParseTime(at)
	return d, err
}

// Decision returns decision id if it lies within p's scope.
func (s *Store) Decision(ctx context.Context, p *auth.Principal, id int64) (Decision, error) {
	d, err := scanDecision(s.DB.QueryRow(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(d.RegionCode)) {
		return Decision{}, apperr.Msg(apperr.NotFound, "case.decision_notfound")
	}
	return d, err
}

func (s *Store) decisionsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]Decision, error) {
	rows, err := q.Query(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// applicantID opens the sealed ID number of a case's applicant.
func (s *Store) applicantID(ctx context.Context, q db.Querier, appID int64) (string, error) {
	var sealed string
	if err := q.QueryRow(ctx, `SELECT applicant_id_sealed FROM applications WHERE id = ?`, appID).Scan(&sealed); err != nil {
		return "", err
	}
	return s.Keys.Open(sealed, registryIDField)
}

// townLimit is the most a street may approve or pay at once (temporary.town_limit).
func (c *caseTx) townLimit(ctx context.Context) (money.Fen, error) {
	set, err := c.s.params(ctx)
	if err != nil {
		return 0, err
	}
	p, err := set.Lookup("temporary.town_limit", c.a.RegionCode, c.a.Hukou, c.s.today())
	if err != nil {
		return 0, apperr.Msg(apperr.Conflict, "case.no_town_limit")
	}
	return money.Fen(p.Value), nil
}

// explain joins a calculation's written steps for a decision.
func explain(steps []string) string { return strings.Join(steps, "\n") }

func (s *Store) decisionIn(ctx context.Context, q db.Querier, id int64) (Decision, error) {
	d, err := scanDecision(q.QueryRow(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.Msg(apperr.NotFound, "case.decision_notfound")
	}
	return d, err
}
