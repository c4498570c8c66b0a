package meals

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// DinerRecord is a registered diner as stored; identifiers are masked.
type DinerRecord struct {
	ID          int64
	Name        string
	IDMasked    string
	BirthDate   civil.Date
	HukouRegion string
	HomeRegion  string
	PhoneMasked string
	// AddressMasked is the delivery address as pages show it (MaskAddress), "" when none.
	AddressMasked string
	Categories    []string
	CardNo        string
	Status        string
	Version       int
	CreatedAt     time.Time
}

// AgeOn is the diner's age in whole years (周岁) on d.
func (r *DinerRecord) AgeOn(d civil.Date) int {
	b := r.BirthDate
	if b.IsZero() || d.Before(b) {
		return 0
	}
	age := d.Year - b.Year
	if d.Month < b.Month || (d.Month == b.Month && d.Day < b.Day) {
		age--
	}
	return age
}

// pricing is what the subsidy engine needs of the diner for a meal on d.
func (r *DinerRecord) pricing(d civil.Date) Diner {
	return Diner{Age: r.AgeOn(d), Categories: r.Categories, HukouRegion: r.HukouRegion, HomeRegion: r.HomeRegion,
		Deceased: r.Status == DinerDeceased}
}

const dinerColumns = `id, name, id_masked, birth_date, hukou_region, home_region, phone_masked, address_masked,
	categories, card_no, status, version, created_at`

func scanDiner(row interface{ Scan(...any) error }) (*DinerRecord, error) {
	var r DinerRecord
	var cats, created string
	err := row.Scan(&r.ID, &r.Name, &r.IDMasked, &r.BirthDate, &r.HukouRegion, &r.HomeRegion, &r.PhoneMasked, &r.AddressMasked, &cats,
		&r.CardNo, &r.Status, &r.Version, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	}
	if err != nil {
		return nil, err
	}
	r.Categories = splitList(cats)
	r.CreatedAt, _ = db.ParseTime(created)
	return &r, nil
}

// Diner reads diner id for staff whose area holds the diner's home, and for the operator of a
// canteen where the diner has eaten or ordered (the canteen must know whom it feeds); for anyone
// else the diner is not found.
func (s *Store) Diner(ctx context.Context, p *auth.Principal, id int64) (*DinerRecord, error) {
	r, err := scanDiner(s.DB.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	ok := readsByRegion(p) && p.Sees(r.HomeRegion)
	if !ok && p != nil && p.Role == auth.CanteenOperator && p.OrgID != 0 {
		if ok, err = s.eatsAt(ctx, r.ID, p.OrgID); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	}
	return r, nil
}

// eatsAt reports whether diner has eaten at, or ordered from, canteen cid.
func (s *Store) eatsAt(ctx context.Context, diner, cid int64) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM meal_transactions WHERE diner_id = ? AND canteen_id = ? LIMIT 1) t)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM meal_orders WHERE diner_id = ? AND canteen_id = ? LIMIT 1) o)`, diner, cid, diner, cid).Scan(&n)
	return n > 0, err
}

// DinerByCard reads the diner holding card cardNo, for staff of their home area.
func (s *Store) DinerByCard(ctx context.Context, p *auth.Principal, cardNo string) (*DinerRecord, error) {
	if !ValidCardNo(cardNo) {
		return nil, apperr.FieldMsg("card_no", "meals.card_invalid")
	}
	r, err := scanDiner(s.DB.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE card_no = ?`, cardNo))
	if err != nil {
		return nil, err
	}
	if !readsByRegion(p) || !p.Sees(r.HomeRegion) {
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	}
	return r, nil
}

// lockDiner reads the diner a counter identified, by id or card number, and takes the diner's
// row lock for the rest of tx. The lock is what makes "one subsidised meal a day" hold when the
// same card is used at two canteens at once: the second transaction waits, then counts the
// first one's meal. An UPDATE takes the lock on both engines (SQLite has no SELECT … FOR UPDATE,
// and its single writer serialises anyway).
func lockDiner(ctx context.Context, tx *db.Tx, dinerID int64, cardNo string) (*DinerRecord, error) {
	where, arg := "id = ?", any(dinerID)
	switch {
	case cardNo != "":
		if !ValidCardNo(cardNo) {
			return nil, apperr.FieldMsg("card_no", "meals.card_invalid")
		}
		where, arg = "card_no = ?", cardNo
	case dinerID <= 0:
		return nil, apperr.FieldMsg("card_no", "meals.diner_required")
	}
	return scanDiner(tx.QueryRow(ctx, `UPDATE diners SET version = version WHERE `+where+` RETURNING `+dinerColumns, arg))
}
