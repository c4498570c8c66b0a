package payout

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// builder writes the lines of one draft roster.
type builder struct {
	s        *Store
	tx       *db.Tx
	rosterID int64
	month    civil.Month
	program  string
	district string
	sizes    map[int64]int
	payees   map[int64]payeeRow
	// positive is each household's total of positive lines, which a recovery may not exceed.
	positive map[int64]money.Fen
	lines    []Line
	// recent are entitlements that started within catchUpMonths, which may have missed a month,
	// and unpaid one-offs: both are checked against the lines already paid.
	recent []assistance.Payable
}

type payeeRow struct{ name, bank, sealed, masked string }

func (b *builder) build(ctx context.Context) error {
	var err error
	if b.sizes, err = b.s.Registry.HouseholdSizes(ctx, b.district); err != nil {
		return err
	}
	if b.payees, err = loadPayees(ctx, b.tx, b.district); err != nil {
		return err
	}
	since := b.month.AddMonths(-catchUpMonths)
	err = b.s.Cases.EachPayable(ctx, b.program, b.district, b.month, func(e assistance.Payable) error {
		if e.OneOff > 0 || !e.StartMonth.Before(since) {
			b.recent = append(b.recent, e)
		}
		if e.OneOff == 0 && e.PaysIn(b.month) {
			b.add(Line{EntitlementID: e.EntitlementID, HouseholdID: e.HouseholdID, RegionCode: e.RegionCode, Kind: Regular,
				Amount: e.Monthly, From: b.month, To: b.month})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := b.catchUp(ctx, since); err != nil {
		return err
	}
	if err := b.flush(ctx); err != nil {
		return err
	}
	return b.adjustments(ctx)
}

// add queues a line, filling in the household's payee and, unless given, its size.
func (b *builder) add(l Line) {
	l.RosterID = b.rosterID
	if pe, ok := b.payees[l.HouseholdID]; ok {
		l.PayeeName, l.Bank, l.AccountMasked = pe.name, pe.bank, pe.masked
	}
	if l.Persons == 0 && (l.Kind == Regular || l.Kind == OneOff) {
		l.Persons = b.sizes[l.HouseholdID]
	}
	if l.Amount > 0 {
		b.positive[l.HouseholdID] += l.Amount
	}
	b.lines = append(b.lines, l)
}

// catchUp adds the one-offs not yet paid and, as arrears, the months a recent entitlement
// missed: months whose roster was approved before the entitlement's decision.
func (b *builder) catchUp(ctx context.Context, since civil.Month) error {
	if len(b.recent) == 0 {
		return nil
	}
	paidMonths := map[civil.Month]bool{}
	rows, err := b.tx.Query(ctx, `SELECT month FROM rosters WHERE program = ? AND district = ? AND status <> 'draft'
		AND month >= ? AND month < ?`, b.program, b.district, since.String(), b.month.String())
	if err != nil {
		return err
	}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return err
		}
		pm, _ := civil.ParseMonth(m)
		paidMonths[pm] = true
	}
	rows.Close()
	covered, err := b.coveredMonths(ctx)
	if err != nil {
		return err
	}
	for _, e := range b.recent {
		got := covered[e.EntitlementID]
		if e.OneOff > 0 {
			if !got.oneOff {
				b.add(Line{EntitlementID: e.EntitlementID, HouseholdID: e.HouseholdID, RegionCode: e.RegionCode, Kind: OneOff,
					Amount: e.OneOff, From: e.StartMonth, To: e.StartMonth})
			}
			continue
		}
		var missed []civil.Month
		first := e.StartMonth
		if first.Before(since) {
			first = since
		}
		for x := first; x.Before(b.month); x = x.Next() {
			if paidMonths[x] && e.PaysIn(x) && !got.months[x] {
				missed = append(missed, x)
			}
		}
		// One line per run of consecutive months: a line's From..To is the months it pays.
		for len(missed) > 0 {
			n := 1
			for n < len(missed) && missed[n] == missed[n-1].Next() {
				n++
			}
			b.add(Line{EntitlementID: e.EntitlementID, HouseholdID: e.HouseholdID, RegionCode: e.RegionCode, Kind: Arrears,
				Amount: e.Monthly * money.Fen(n), From: missed[0], To: missed[n-1],
				Reason: "补发 " + monthsText(missed[0], missed[n-1]) + "（批准晚于当月名册）"})
			missed = missed[n:]
		}
	}
	return nil
}

type coverage struct {
	oneOff bool
	months map[civil.Month]bool
}

// coveredMonths reads which months the recent entitlements were already paid for, in chunks.
func (b *builder) coveredMonths(ctx context.Context) (map[int64]coverage, error) {
	out := map[int64]coverage{}
	for start := 0; start < len(b.recent); start += 500 {
		chunk := b.recent[start:min(start+500, len(b.recent))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, b.program, b.rosterID)
		for _, e := range chunk {
			args = append(args, e.EntitlementID)
		}
		rows, err := b.tx.Query(ctx, `SELECT l.entitlement_id, l.kind, l.from_month, l.to_month FROM roster_lines l
			JOIN rosters r ON r.id = l.roster_id WHERE r.program = ? AND r.id <> ?
			AND l.kind IN ('regular', 'one_off', 'arrears') AND l.entitlement_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var kind, from, to string
			if err := rows.Scan(&id, &kind, &from, &to); err != nil {
				rows.Close()
				return nil, err
			}
			c := out[id]
			if c.months == nil {
				c.months = map[civil.Month]bool{}
			}
			if kind == OneOff {
				c.oneOff = true
			}
			f, _ := civil.ParseMonth(from)
			t, _ := civil.ParseMonth(to)
			for x := f; !x.After(t); x = x.Next() {
				c.months[x] = true
			}
			out[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// adjustments carries the pending arrears, recoveries and re-issues of the program in the
// district. A recovery is taken only when the household's positive lines cover it; otherwise it
// waits for a later roster.
func (b *builder) adjustments(ctx context.Context) error {
	cond, args := db.PrefixRange("region_code", b.district)
	rows, err := b.tx.Query(ctx, `SELECT id, entitlement_id, household_id, region_code, kind, amount_fen, from_month, to_month, reason
		FROM adjustments WHERE program = ? AND roster_line_id IS NULL AND `+cond+` ORDER BY amount_fen DESC, id`,
		append([]any{b.program}, args...)...)
	if err != nil {
		return err
	}
	var pending []Line
	for rows.Next() {
		var l Line
		var amount int64
		var from, to string
		if err := rows.Scan(&l.AdjustmentID, &l.EntitlementID, &l.HouseholdID, &l.RegionCode, &l.Kind, &amount, &from, &to, &l.Reason); err != nil {
			rows.Close()
			return err
		}
		l.Amount = money.Fen(amount)
		l.From, _ = civil.ParseMonth(from)
		l.To, _ = civil.ParseMonth(to)
		pending = append(pending, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	b.lines = b.lines[:0]
	for _, l := range pending {
		if l.Amount < 0 && b.positive[l.HouseholdID]+l.Amount < 0 {
			continue
		}
		b.add(l)
		if l.Amount < 0 {
			b.positive[l.HouseholdID] += l.Amount
		}
	}
	for _, l := range b.lines {
		var lineID int64
		if err := b.insertOne(ctx, l, &lineID); err != nil {
			return err
		}
		if _, err := b.tx.Exec(ctx, `UPDATE adjustments SET roster_line_id = ? WHERE id = ?`, lineID, l.AdjustmentID); err != nil {
			return err
		}
	}
	return nil
}
