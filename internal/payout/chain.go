package payout

import (
	"context"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
)

// ChainEvents are household hid's payments for its assistance chain (一户一条救助链): every line
// of an approved roster, with its status at the bank. The assistance module calls it through
// its ChainSources.
func (s *Store) ChainEvents(ctx context.Context, p *auth.Principal, hid int64) ([]assistance.ChainEvent, error) {
	scope, args := p.ScopeCondition("l.region_code")
	rows, err := s.DB.Query(ctx, `SELECT l.kind, l.amount_fen, l.from_month, l.to_month, l.status, l.reason, r.id, r.program,
		r.approved_at FROM roster_lines l JOIN rosters r ON r.id = l.roster_id
		WHERE l.household_id = ? AND r.status <> 'draft' AND `+scope+` ORDER BY l.id`, append([]any{hid}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := msg.Default().T
	var out []assistance.ChainEvent
	for rows.Next() {
		var l Line
		var amount, rosterID int64
		var from, to, program, at string
		if err := rows.Scan(&l.Kind, &amount, &from, &to, &l.Status, &l.Reason, &rosterID, &program, &at); err != nil {
			return nil, err
		}
		when, _ := db.ParseTime(at)
		text := t("program."+program) + " " + from
		if to != from {
			text += "—" + to
		}
		if l.Reason != "" {
			text += " " + l.Reason
		}
		out = append(out, assistance.ChainEvent{At: when, Kind: "payment",
			Title: t("payout.kind."+l.Kind) + " " + moneyText(amount) + " · " + t("payout.line."+l.Status),
			Text:  text, Link: "/payouts/" + itoa(rosterID)})
	}
	return out, rows.Err()
}
