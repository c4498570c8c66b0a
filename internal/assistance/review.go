package assistance

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// decideReview ends a review (定期核查 or a change of circumstances) with its decision on the
// entitlement: keep it, change the amount, taper it out (渐退期) or terminate it.
func (c *caseTx) decideReview(ctx context.Context, act Action) (Decision, error) {
	e, err := c.s.entitlement(ctx, c.tx, c.p, c.a.EntitlementID)
	if err != nil {
		return Decision{}, err
	}
	if e.Status == EntEnded {
		return Decision{}, apperr.Msg(apperr.Conflict, "case.entitlement_ended")
	}
	today := c.s.today()
	in := decisionInput{kind: act.Outcome, reasons: act.Note, entitlement: e.ID, amount: e.Monthly}
	var ch entChange
	switch act.Outcome {
	case DecisionKeep:
		// Keeping pays on as before, so the household must still qualify on the day of the
		// decision; one in its 渐退期 is above the line by definition and keeps its taper.
		if e.Status != EntTapering {
			_, res, err := c.s.calculate(ctx, c.tx, c.a, today)
			if err != nil {
				return Decision{}, err
			}
			if !res.Eligible {
				return Decision{}, apperr.Msg(apperr.Conflict, "case.not_eligible", strings.Join(res.Reasons, "；"))
			}
		}
		ch.nextReview = addMonths(today, max(e.ReviewMonths, 1))
	case DecisionChange:
		_, res, err := c.s.calculate(ctx, c.tx, c.a, today)
		if err != nil {
			return Decision{}, err
		}
		if !res.Eligible || res.MonthlyAmount <= 0 {
			return Decision{}, apperr.Msg(apperr.Conflict, "case.not_eligible", strings.Join(res.Reasons, "；"))
		}
		in.amount, in.explanation = res.MonthlyAmount, explain(res.Steps)
		in.effective = civil.MonthOf(today).Next().FirstDay()
		ch.monthly, ch.nextReview, ch.calculation = res.MonthlyAmount, addMonths(today, max(e.ReviewMonths, 1)), in.explanation
	case DecisionTaper:
		// 渐退期 is 低保's (DOMAIN.md §3), granted once: a second one would push the end out.
		if e.Program != "dibao" {
			return Decision{}, apperr.FieldMsg("outcome", "case.taper_dibao_only")
		}
		if e.Status == EntTapering {
			return Decision{}, apperr.Msg(apperr.Conflict, "case.already_tapering")
		}
		months, err := c.paramValue(ctx, "dibao.gradual_exit_months")
		if err != nil || months <= 0 {
			return Decision{}, apperr.Msg(apperr.Conflict, "case.no_taper")
		}
		ch.status, ch.end = EntTapering, civil.MonthOf(today).AddMonths(int(months))
		in.explanation = "渐退期至 " + ch.end.Chinese() + "，期满停发。"
	case DecisionTerminate:
		ch.status, ch.end = EntEnded, civil.MonthOf(today)
		in.explanation = "自 " + ch.end.Next().Chinese() + "起停发。"
	default:
		return Decision{}, apperr.FieldMsg("outcome", "case.bad_outcome")
	}
	d, err := c.issue(ctx, in)
	if err != nil {
		return d, err
	}
	if err := c.s.change(ctx, c.tx, c.p, e, e.Version, d.ID, ch); err != nil {
		return d, err
	}
	if act.Outcome == DecisionTerminate {
		if t, ok := tierOf[e.Program]; ok {
			err = c.s.Registry.EndTier(ctx, c.tx, c.p, e.HouseholdID, t, ch.end.LastDay())
		}
	}
	return d, err
}

// decideAppeal ends a 复核: the original decision stands, or a new decision corrects it — a
// refusal becomes a grant, a termination is undone. The original row is never changed.
func (c *caseTx) decideAppeal(ctx context.Context, act Action) (Decision, error) {
	orig, err := c.s.decisionIn(ctx, c.tx, c.a.AppealOf)
	if err != nil {
		return Decision{}, err
	}
	switch act.Outcome {
	case DecisionUphold:
		return c.issue(ctx, decisionInput{kind: DecisionUphold, reasons: act.Note, corrects: 0, entitlement: orig.EntitlementID,
			explanation: "维持原决定 " + orig.DocNo + "。"})
	case DecisionOverturn:
	default:
		return Decision{}, apperr.FieldMsg("outcome", "case.bad_outcome")
	}
	if orig.Kind == DecisionNotAccepted {
		// The refusal to accept was wrong: the application is accepted anew and runs its whole
		// workflow (visit, notice, approval); nothing is granted by the appeal itself.
		again, err := c.s.resubmit(ctx, c.tx, c.p, orig.ApplicationID)
		if err != nil {
			return Decision{}, err
		}
		return c.issue(ctx, decisionInput{kind: DecisionOverturn, reasons: act.Note, corrects: orig.ID,
			explanation: fmt.Sprintf("撤销原不予受理决定 %s，申请重新进入受理程序（案件 %d），依法调查、公示并审核确认。", orig.DocNo, again)})
	}
	if orig.Kind == DecisionTerminate {
		e, err := c.s.entitlement(ctx, c.tx, c.p, orig.EntitlementID)
		if err != nil {
			return Decision{}, err
		}
		var other int
		if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM entitlements WHERE household_id = ? AND program = ? AND id <> ?
			AND status IN ('active', 'suspended', 'tapering') AND one_off_fen = 0`, e.HouseholdID, e.Program, e.ID).Scan(&other); err != nil {
			return Decision{}, err
		}
		if other > 0 {
			// Granted again since: reviving the old entitlement would pay the household twice.
			return Decision{}, apperr.Msg(apperr.Conflict, "case.already_granted")
		}
		resumeFrom := e.StartMonth.FirstDay()
		if !e.EndMonth.IsZero() && e.EndMonth.Next().After(e.StartMonth) {
			resumeFrom = e.EndMonth.Next().FirstDay()
		}
		d, err := c.issue(ctx, decisionInput{kind: DecisionOverturn, reasons: act.Note, corrects: orig.ID, entitlement: e.ID,
			amount: e.Monthly, explanation: "撤销原决定 " + orig.DocNo + "，恢复发放。"})
		if err != nil {
			return d, err
		}
		if err := c.s.change(ctx, c.tx, c.p, e, e.Version, d.ID, entChange{status: EntActive, clearEnd: true}); err != nil {
			return d, err
		}
		if t, ok := tierOf[e.Program]; ok {
			// The termination never stood: the tier runs on from the day after the span it
			// closed, so that no day is covered twice or left out.
			err = c.s.Registry.StartTier(ctx, c.tx, c.p, e.HouseholdID, t, resumeFrom)
		}
		return d, err
	}
	_, res, err := c.s.calculate(ctx, c.tx, c.a, c.s.today())
	if err != nil {
		return Decision{}, err
	}
	if !res.Eligible {
		return Decision{}, apperr.Msg(apperr.Conflict, "case.not_eligible", strings.Join(res.Reasons, "；"))
	}
	monthly, oneOff := res.MonthlyAmount, money.Fen(0)
	if res.OneOff > 0 {
		monthly, oneOff = 0, res.OneOff
	}
	d, err := c.issue(ctx, decisionInput{kind: DecisionOverturn, reasons: act.Note, corrects: orig.ID, amount: monthly + oneOff,
		oneOff: oneOff > 0, explanation: "撤销原决定 " + orig.DocNo + "。\n" + explain(res.Steps)})
	if err != nil {
		return d, err
	}
	_, err = c.grant(ctx, d, monthly, oneOff, explain(res.Steps))
	return d, err
}
