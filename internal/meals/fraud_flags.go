package meals

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// Flag is an anti-fraud flag with the meal it is on, as the review list shows it. The diner's
// name is masked: a reviewer judges the pattern, not the person.
type Flag struct {
	ID            int64
	TransactionID int64
	CanteenID     int64
	CanteenName   string
	RegionCode    string
	ServedOn      civil.Date
	Rule          string
	Evidence      Evidence
	Status        string
	Note          string
	ReviewedBy    string
	ReviewedAt    time.Time
	CreatedAt     time.Time

	DinerID   int64
	DinerName string
	MealType  string
	Channel   string
	Price     money.Fen
	Subsidy   money.Fen
	// ServedAt is when the meal was recorded.
	ServedAt time.Time
}

// FlagFilter selects flags. Region narrows the caller's scope (a prefix); From and To bound the
// day served (zero: open); Limit defaults to 50, at most 500.
type FlagFilter struct {
	Region    string
	Status    string
	Rule      string
	CanteenID int64
	From, To  civil.Date
	Limit     int
	Offset    int
}

// FlagCount is how many flags of one rule a filter finds, by status.
type FlagCount struct {
	Rule                     string
	Open, Confirmed, Cleared int
}

// Total is the rule's flags of every status.
func (c FlagCount) Total() int { return c.Open + c.Confirmed + c.Cleared }

const fraudFlagSelect = `f.id, f.transaction_id, f.canteen_id, c.name, f.region_code, f.served_on, f.rule, f.evidence, f.status,
	f.note, f.reviewed_by, f.reviewed_at, f.created_at, t.diner_id, d.name, t.meal_type, t.channel, t.price_fen,
	t.diner_pays_fen, t.created_at`

const fraudFlagFrom = ` FROM meal_flags f JOIN meal_transactions t ON t.id = f.transaction_id JOIN canteens c ON c.id = f.canteen_id
	JOIN diners d ON d.id = t.diner_id`

func scanFraudFlag(row interface{ Scan(...any) error }) (Flag, error) {
	var f Flag
	var ev, reviewed, created, served, diner string
	var pays int64
	if err := row.Scan(&f.ID, &f.TransactionID, &f.CanteenID, &f.CanteenName, &f.RegionCode, &f.ServedOn, &f.Rule, &ev,
		&f.Status, &f.Note, &f.ReviewedBy, &reviewed, &created, &f.DinerID, &diner, &f.MealType, &f.Channel, &f.Price,
		&pays, &served); err != nil {
		return f, err
	}
	f.Evidence = parseFraudEvidence(ev)
	f.ReviewedAt, _ = db.ParseTime(reviewed)
	f.CreatedAt, _ = db.ParseTime(created)
	f.ServedAt, _ = db.ParseTime(served)
	f.DinerName = pii.MaskName(diner)
	f.Subsidy = f.Price - money.Fen(pays)
	return f, nil
}

// Flags lists the flags p may read that match f, newest meal first, with the total for paging.
// Staff and auditors read the flags of their area, a canteen operator those of their own
// canteen; a region outside the scope lists nothing.
func (s *Store) Flags(ctx context.Context, p *auth.Principal, f FlagFilter) ([]Flag, int, error) {
	where, args, err := fraudFlagWhere(p, f, true)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_flags f WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit, f.Offset = min(f.Limit, 500), max(f.Offset, 0)
	rows, err := s.DB.Query(ctx, `SELECT `+fraudFlagSelect+fraudFlagFrom+` WHERE `+where+` ORDER BY f.served_on DESC, f.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Flag{}
	for rows.Next() {
		fl, err := scanFraudFlag(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, fl)
	}
	return out, total, rows.Err()
}

// FlagCounts counts, by rule and status, the flags p may read that match f apart from its rule
// and status: the overview above the list. Every rule of the rules file is listed, with zeros.
func (s *Store) FlagCounts(ctx context.Context, p *auth.Principal, f FlagFilter) ([]FlagCount, error) {
	f.Rule, f.Status = "", ""
	where, args, err := fraudFlagWhere(p, f, true)
	if err != nil {
		return nil, err
	}
	var out []FlagCount
	for _, r := range FraudRules() {
		out = append(out, FlagCount{Rule: r.ID})
	}
	rows, err := s.DB.Query(ctx, `SELECT f.rule, f.status, COUNT(*) FROM meal_flags f WHERE `+where+` GROUP BY f.rule, f.status`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rule, status string
		var n int
		if err := rows.Scan(&rule, &status, &n); err != nil {
			return nil, err
		}
		i := slices.IndexFunc(out, func(c FlagCount) bool { return c.Rule == rule })
		if i < 0 {
			out = append(out, FlagCount{Rule: rule})
			i = len(out) - 1
		}
		switch status {
		case FlagOpen:
			out[i].Open += n
		case FlagConfirmed:
			out[i].Confirmed += n
		case FlagCleared:
			out[i].Cleared += n
		}
	}
	return out, rows.Err()
}

// fraudFlagWhere is the condition of a flag filter within p's sight, on meal_flags aliased f. The
// scope and the region filter become one prefix range on the flag's region (the canteen's).
// needView says p must hold MealsView.
func fraudFlagWhere(p *auth.Principal, f FlagFilter, needView bool) (string, []any, error) {
	if needView && !p.Can(auth.MealsView) {
		return "", nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	var where string
	var args []any
	switch {
	case p.Role == auth.CanteenOperator:
		if p.OrgID == 0 {
			return "1 = 0", nil, nil
		}
		where, args = "f.canteen_id = ?", []any{p.OrgID}
		if r := strings.TrimSpace(f.Region); r != "" {
			if strings.Trim(r, "0123456789") != "" {
				return "", nil, apperr.FieldMsg("region", "meals.fraud.filter_invalid")
			}
			cond, a := db.PrefixRange("f.region_code", r)
			where, args = where+" AND "+cond, append(args, a...)
		}
	case readsByRegion(p):
		prefix, ok, err := fraudNarrowScope(p, f.Region)
		if err != nil || !ok {
			return "1 = 0", nil, err
		}
		where, args = db.PrefixRange("f.region_code", prefix)
	default:
		return "1 = 0", nil, nil
	}
	if st := strings.TrimSpace(f.Status); st != "" {
		if !slices.Contains(FlagStatuses(), st) {
			return "", nil, apperr.FieldMsg("status", "meals.fraud.filter_invalid")
		}
		where, args = where+" AND f.status = ?", append(args, st)
	}
	if rule := strings.TrimSpace(f.Rule); rule != "" {
		where, args = where+" AND f.rule = ?", append(args, rule)
	}
	if f.CanteenID != 0 {
		where, args = where+" AND f.canteen_id = ?", append(args, f.CanteenID)
	}
	if !f.From.IsZero() {
		where, args = where+" AND f.served_on >= ?", append(args, f.From.String())
	}
	if !f.To.IsZero() {
		where, args = where+" AND f.served_on <= ?", append(args, f.To.String())
	}
	return where, args, nil
}

// fraudNarrowScope is the prefix that lies within p's scope and within region ("" = the whole
// scope); false when they do not overlap or the scope is malformed.
func fraudNarrowScope(p *auth.Principal, region string) (string, bool, error) {
	region = strings.TrimSpace(region)
	if strings.Trim(region, "0123456789") != "" {
		return "", false, apperr.FieldMsg("region", "meals.fraud.filter_invalid")
	}
	scope := p.Scope.Code()
	if p.Scope.Level() == 0 && scope != "" {
		return "", false, nil
	}
	switch {
	case strings.HasPrefix(region, scope):
		return region, true, nil
	case strings.HasPrefix(scope, region):
		return scope, true, nil
	}
	return "", false, nil
}
