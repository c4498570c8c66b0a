package assistance

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/money"
)

// approve is 审核确认 with its decision notice. For an application it grants (with the amount the
// calculator gives on the day of the decision) or refuses; for a review it keeps, changes, tapers
// or terminates the entitlement; for an appeal it upholds or corrects the decision appealed.
func (c *caseTx) approve(ctx context.Context, st Step, act Action) error {
	if (act.Outcome == "reject" || act.Outcome == "terminate" || act.Outcome == "uphold") && act.Note == "" {
		return apperr.FieldMsg("note", "case.reason_required")
	}
	var d Decision
	var err error
	switch c.a.Kind {
	case KindApply:
		d, err = c.decideApplication(ctx, st, act)
	case KindReview:
		d, err = c.decideReview(ctx, act)
	case KindAppeal:
		d, err = c.decideAppeal(ctx, act)
	}
	if err != nil {
		return err
	}
	c.a.Status, c.a.ClosedAt = StatusDecided, c.s.now()
	return c.markDone(ctx, st, c.p, act.Outcome, act.Note, StepData{DecisionID: d.ID, Amount: d.Amount})
}

func (c *caseTx) decideApplication(ctx context.Context, st Step, act Action) (Decision, error) {
	switch act.Outcome {
	case "reject":
		return c.issue(ctx, decisionInput{kind: DecisionReject, reasons: act.Note})
	case "approve":
	default:
		return Decision{}, apperr.FieldMsg("outcome", "case.bad_outcome")
	}
	_, res, err := c.s.calculate(ctx, c.tx, c.a, c.s.today())
	if err != nil {
		return Decision{}, err
	}
	// 一事一议 sets the amount of a case above the cap (DOMAIN.md §6); it never makes a household
	// the calculator finds ineligible on the day of the decision eligible.
	council, hasCouncil := lastDone(c.steps, StepCouncil)
	if !res.Eligible {
		return Decision{}, apperr.Msg(apperr.Conflict, "case.not_eligible", strings.Join(res.Reasons, "；"))
	}
	if res.OneOff == 0 && !hasCouncil {
		// A monthly payment — or, for a recognition (低保边缘, 刚性支出困难, 因病致贫), none: the
		// entitlement then records the recognised status and its review date.
		d, err := c.issue(ctx, decisionInput{kind: DecisionApprove, amount: res.MonthlyAmount, reasons: act.Note,
			explanation: explain(res.Steps)})
		if err != nil {
			return d, err
		}
		_, err = c.grant(ctx, d, res.MonthlyAmount, 0, explain(res.Steps))
		return d, err
	}
	// A one-off payment (临时救助): the council's amount or the rule's, lowered if the approver
	// says so, less what was already paid in advance.
	amount := res.OneOff
	if hasCouncil && council.Data.Council != nil {
		amount = council.Data.Council.Amount
	}
	if act.Amount > 0 && act.Amount < amount {
		amount = act.Amount
	}
	if st.Level == Street {
		limit, err := c.townLimit(ctx)
		if err != nil {
			return Decision{}, err
		}
		if amount > limit {
			return Decision{}, apperr.Msg(apperr.Forbidden, "case.above_town_limit", limit)
		}
	}
	var advanced money.Fen
	if adv, ok := lastDone(c.steps, StepAdvance); ok {
		advanced = adv.Data.Amount
	}
	explanation := explain(res.Steps)
	if hasCouncil {
		explanation += "\n一事一议：" + council.Data.Council.Record
	}
	d, err := c.issue(ctx, decisionInput{kind: DecisionApprove, amount: amount, oneOff: true, reasons: act.Note, explanation: explanation})
	if err != nil {
		return d, err
	}
	if rest := amount - advanced; rest > 0 {
		_, err = c.grant(ctx, d, 0, rest, explanation)
	}
	return d, err
}
