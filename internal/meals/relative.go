package meals

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// Relatives who may order for a diner (亲属代订餐). A relative is linked by staff who may register
// the diner — at the community office, with the elderly person present or their consent on file —
// never by the relative themselves: a phone number that signs in would otherwise be enough to
// order, and spend the subsidy, for any elderly person. The number is kept sealed, with the same
// keyed hash (pii.Phone) the citizen sign-in computes, so that whoever signs in with it finds the
// diners they may order for without the number ever being stored in the clear.

// RelativeInput is a relative as entered at the community office.
type RelativeInput struct {
	Name     string
	Relation string // 子女, 配偶, 孙子女, 其他亲属 … as the family says it
	Phone    string // a mainland mobile number: the one they sign in with
}

// Relative is a linked relative as pages show them; the number is masked.
type Relative struct {
	ID          int64
	DinerID     int64
	Name        string
	Relation    string
	PhoneMasked string
	CreatedAt   time.Time
}

// maxRelatives bounds the relatives of one diner: a family, not a call centre.
const maxRelatives = 10

// checkRelative normalises in and returns the 11-digit number, or the first field that is wrong.
func checkRelative(in *RelativeInput) (string, error) {
	in.Name, in.Relation = strings.TrimSpace(in.Name), strings.TrimSpace(in.Relation)
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 40:
		return "", apperr.FieldMsg("name", "meals.relative.name_invalid")
	case in.Relation == "" || utf8.RuneCountInString(in.Relation) > 20:
		return "", apperr.FieldMsg("relation", "meals.relative.relation_invalid")
	}
	phone, err := citizen.ParsePhone(in.Phone)
	if err != nil {
		return "", apperr.FieldMsg("phone", "meals.relative.phone_invalid")
	}
	return phone, nil
}

// AddRelative links a relative who may order for diner dinerID and returns the link's id. Staff
// who may register the diner where the diner lives may do it; the same number twice for one
// diner is a Conflict.
func (s *Store) AddRelative(ctx context.Context, p *auth.Principal, dinerID int64, in RelativeInput) (int64, error) {
	phone, err := checkRelative(&in)
	if err != nil {
		return 0, err
	}
	sealed, err := s.Keys.Seal(phone, RelativePhoneField)
	if err != nil {
		return 0, err
	}
	hash, masked := s.Keys.Hash(pii.Phone, phone), pii.MaskPhone(phone)
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := lockDiner(ctx, tx, dinerID, "")
		if err != nil {
			return err
		}
		if !readsByRegion(p) || !p.Sees(d.HomeRegion) {
			return apperr.Msg(apperr.NotFound, "meals.diner_notfound")
		}
		if !registersDiners(p, d.HomeRegion) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		var n, same int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN phone_hash = ? THEN 1 ELSE 0 END), 0)
			FROM diner_relatives WHERE diner_id = ?`, hash, dinerID).Scan(&n, &same); err != nil {
			return err
		}
		switch {
		case same > 0:
			return apperr.Msg(apperr.Conflict, "meals.relative.exists", masked)
		case n >= maxRelatives:
			return apperr.Msg(apperr.Conflict, "meals.relative.too_many", maxRelatives)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO diner_relatives (diner_id, name, relation, phone_sealed, phone_hash,
			phone_masked, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, dinerID, in.Name, in.Relation, sealed,
			hash, masked, s.stamp()).Scan(&id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.relative.add", "diner", dinerID, d.HomeRegion,
			map[string]any{"relative_id": id, "relation": in.Relation, "phone": masked}))
		return err
	})
	if db.IsUniqueViolation(err) { // the same number linked by two offices at once
		return 0, apperr.Msg(apperr.Conflict, "meals.relative.exists", masked)
	}
	return id, err
}

// Relatives lists the relatives linked to diner dinerID, for staff who see the diner.
func (s *Store) Relatives(ctx context.Context, p *auth.Principal, dinerID int64) ([]Relative, error) {
	if _, err := s.Diner(ctx, p, dinerID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, diner_id, name, relation, phone_masked, created_at FROM diner_relatives
		WHERE diner_id = ? ORDER BY id`, dinerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Relative
	for rows.Next() {
		var r Relative
		var created string
		if err := rows.Scan(&r.ID, &r.DinerID, &r.Name, &r.Relation, &r.PhoneMasked, &created); err != nil {
			return nil, err
		}
		r.CreatedAt, _ = db.ParseTime(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RemoveRelative unlinks a relative: from then on their number orders nothing for the diner.
// Orders they placed stay as they are (ordered_by keeps the link's id).
func (s *Store) RemoveRelative(ctx context.Context, p *auth.Principal, relativeID int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var dinerID int64
		var masked string
		err := tx.QueryRow(ctx, `SELECT diner_id, phone_masked FROM diner_relatives WHERE id = ?`, relativeID).Scan(&dinerID, &masked)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Msg(apperr.NotFound, "meals.relative.notfound")
		}
		if err != nil {
			return err
		}
		d, err := lockDiner(ctx, tx, dinerID, "")
		if err != nil {
			return err
		}
		if !readsByRegion(p) || !p.Sees(d.HomeRegion) {
			return apperr.Msg(apperr.NotFound, "meals.relative.notfound")
		}
		if !registersDiners(p, d.HomeRegion) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM diner_relatives WHERE id = ?`, relativeID); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.relative.remove", "diner", dinerID, d.HomeRegion,
			map[string]any{"relative_id": relativeID, "phone": masked}))
		return err
	})
}
