package payout

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
)

// Account codes: fund/<source>/<program> for a funding source (special, city, or a district code) and
// expense/<district>/<program> for what a district paid out.
func fundAccount(source, program string) string      { return "fund/" + source + "/" + program }
func expenseAccount(district, program string) string { return "expense/" + district + "/" + program }

// entry is one line of a transaction: positive debits, negative credits.
type entry struct {
	account, name, kind string
	amount              money.Fen
}

// split divides amount between the funding sources on the month: special funds (上级专项补助,
// funding.special_share.<program>, per mille, none when unset), the city
// (funding.city_share.<program>, per mille) and the district, which takes the rest. Each share
// is rounded half up to the fen and the district's part is what remains, so the parts always
// add up; shares above 1000 ‰ in total are a configuration error.
func (s *Store) split(ctx context.Context, program, district string, m civil.Month, amount money.Fen) ([]entry, error) {
	set, err := s.params(ctx)
	if err != nil {
		return nil, err
	}
	p, err := set.Lookup("funding.city_share."+program, district, "", m.FirstDay())
	if err != nil {
		return nil, apperr.Msg(apperr.Conflict, "payout.no_funding", program)
	}
	var special int64
	if sp, err := set.Lookup("funding.special_share."+program, district, "", m.FirstDay()); err == nil {
		special = sp.Value
	}
	if p.Value < 0 || special < 0 || p.Value+special > 1000 {
		return nil, apperr.Msg(apperr.Conflict, "payout.bad_funding", program)
	}
	cityPart := money.MulRatio(amount, p.Value, 1000, money.RoundHalfUp)
	specialPart := money.MulRatio(amount, special, 1000, money.RoundHalfUp)
	t := msg.Default().T
	prog := t("program." + program)
	return []entry{
		{expenseAccount(district, program), fmt.Sprintf(t("payout.account.expense"), district, prog), "expense", amount},
		{fundAccount("special", program), fmt.Sprintf(t("payout.account.special"), prog), "fund", -specialPart},
		{fundAccount("city", program), fmt.Sprintf(t("payout.account.city"), prog), "fund", -cityPart},
		{fundAccount(district, program), fmt.Sprintf(t("payout.account.district"), district, prog), "fund", -(amount - cityPart - specialPart)},
	}, nil
}

// post writes a balanced transaction; an unbalanced one is a bug and is refused.
func (s *Store) post(ctx context.Context, tx *db.Tx, m civil.Month, kind string, rosterID int64, memo, by string, entries []entry) error {
	var sum money.Fen
	for _, e := range entries {
		sum += e.amount
	}
	if sum != 0 {
		return fmt.Errorf("payout: unbalanced %s transaction (%d fen)", kind, sum)
	}
	var roster any
	if rosterID != 0 {
		roster = rosterID
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO ledger_transactions (month, kind, roster_id, memo, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, m.String(), kind, roster, memo, by, s.stamp()).Scan(&id); err != nil {
		return err
	}
	for _, e := range entries {
		if e.amount == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_accounts (code, name, kind) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING`,
			e.account, e.name, e.kind); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_entries (transaction_id, account, amount_fen) VALUES (?, ?, ?)`,
			id, e.account, int64(e.amount)); err != nil {
			return err
		}
	}
	return nil
}

// negate turns a posting around, for a return of money.
func negate(entries []entry) []entry {
	out := make([]entry, len(entries))
	for i, e := range entries {
		e.amount = -e.amount
		out[i] = e
	}
	return out
}
