package meals

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// DinerStatusInput is a change of a diner's status as the community office records it: the
// diner died, or left the programme (moved away, withdrew), or — a mistake corrected — is active
// again.
type DinerStatusInput struct {
	// Status is DinerActive, DinerDeceased or DinerLeft.
	Status string
	// On is the date of death (deceased) or of leaving (left), required for both and never after
	// today; it is ignored for active, which clears the dates.
	On civil.Date
	// Note says how the office learnt of it (a relative, the death certificate, a visit): it is
	// required, because the change stops or restores a subsidy.
	Note string
}

// maxStatusNote bounds the note of a status change, in characters.
const maxStatusNote = 200

// DinerStatuses lists a diner's statuses in the order pages offer them.
func DinerStatuses() []string { return []string{DinerActive, DinerDeceased, DinerLeft} }

// SetDinerStatus records that diner dinerID died or left on in.On, or is active again, if the
// diner still has version (else meals.stale). Whoever may register diners where the diner lives
// may do it. From then on the counter charges a deceased diner in full and flags the meal, and
// serves a diner who left no more; the anti-fraud scan flags every meal recorded after the date
// of death, including those served before the office learnt of it. Active again clears both
// dates. The change is audited with the status before and after.
//
// Deceased or left also cancels, in the same transaction, the diner's orders for the date and
// later days that are not served yet, refunding the paid ones whatever their cut-off (see
// order_void.go): if a refund fails nothing is changed and the error says which order. Active
// again brings no cancelled order back. VoidedOrders lists what was cancelled.
func (s *Store) SetDinerStatus(ctx context.Context, p *auth.Principal, dinerID int64, version int, in DinerStatusInput) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := scanDiner(tx.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE id = ?`, dinerID))
		if err != nil {
			return err
		}
		if !readsByRegion(p) || !p.Sees(d.HomeRegion) {
			return apperr.Msg(apperr.NotFound, "meals.diner_notfound")
		}
		if in, err = checkDinerStatus(in, d.BirthDate, s.today()); err != nil {
			return err
		}
		if !registersDiners(p, d.HomeRegion) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		oldOn, err := dinerStatusOn(ctx, tx, dinerID)
		if err != nil {
			return err
		}
		if d.Version != version {
			return apperr.Msg(apperr.Conflict, "meals.stale")
		}
		if d.Status == in.Status && oldOn == in.On { // nothing would change but the audit trail
			return apperr.FieldMsg("status", "meals.diner_status.unchanged")
		}
		died, left := "", ""
		switch in.Status {
		case DinerDeceased:
			died = in.On.String()
		case DinerLeft:
			left = in.On.String()
		}
		res, err := tx.Exec(ctx, `UPDATE diners SET status = ?, died_on = ?, left_on = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, in.Status, died, left, s.stamp(), dinerID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "meals.stale")
		}
		var voided []voidedOrder
		if in.Status != DinerActive { // after the diners row is locked, so no order slips in
			if voided, err = s.voidOrders(ctx, tx, dinerID, in.On, "diner_"+in.Status); err != nil {
				return err
			}
		}
		detail := map[string]any{"before": d.Status, "before_on": oldOn.String(), "status": in.Status, "on": in.On.String(), "note": in.Note}
		if len(voided) > 0 {
			detail["cancelled_orders"] = voidedIDs(voided)
		}
		if _, err = s.Audit.Append(ctx, tx, event(p, "meals.diner.status", "diner", dinerID, d.HomeRegion, detail)); err != nil {
			return err
		}
		return s.auditVoids(ctx, tx, p, voided)
	})
}

// checkDinerStatus checks a status change of a diner born on birth (today is the office's day)
// and returns it tidied: the note trimmed, the date dropped for active.
func checkDinerStatus(in DinerStatusInput, birth, today civil.Date) (DinerStatusInput, error) {
	in.Status, in.Note = strings.TrimSpace(in.Status), strings.TrimSpace(in.Note)
	if !slices.Contains(DinerStatuses(), in.Status) {
		return in, apperr.FieldMsg("status", "meals.diner_status.invalid")
	}
	switch {
	case in.Status == DinerActive:
		in.On = civil.Date{}
	case in.On.IsZero():
		return in, apperr.FieldMsg("on", "meals.diner_status.on_required."+in.Status)
	case in.On.After(today):
		return in, apperr.FieldMsg("on", "meals.diner_status.on_future."+in.Status, today.String())
	case in.On.Before(birth):
		return in, apperr.FieldMsg("on", "meals.diner_status.before_birth."+in.Status, birth.String())
	}
	switch {
	case in.Note == "":
		return in, apperr.FieldMsg("note", "meals.diner_status.note_required")
	case utf8.RuneCountInString(in.Note) > maxStatusNote:
		return in, apperr.FieldMsg("note", "meals.diner_status.note_too_long", maxStatusNote)
	}
	return in, nil
}

// DinerStatusOn is the date of diner id's status: the date of death of a diner marked deceased,
// the date a diner left, zero for an active diner or when no date was recorded (a status set
// before dates were). Whoever reads the diner (Store.Diner) may read it.
func (s *Store) DinerStatusOn(ctx context.Context, p *auth.Principal, id int64) (civil.Date, error) {
	if _, err := s.Diner(ctx, p, id); err != nil {
		return civil.Date{}, err
	}
	return dinerStatusOn(ctx, s.DB, id)
}

// dinerStatusOn reads the date of diner id's status, as DinerStatusOn describes it.
func dinerStatusOn(ctx context.Context, q db.Querier, id int64) (civil.Date, error) {
	var status string
	var died, left civil.Date
	if err := q.QueryRow(ctx, `SELECT status, died_on, left_on FROM diners WHERE id = ?`, id).Scan(&status, &died, &left); err != nil {
		return civil.Date{}, err
	}
	switch status {
	case DinerDeceased:
		return died, nil
	case DinerLeft:
		return left, nil
	}
	return civil.Date{}, nil
}
