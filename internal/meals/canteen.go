package meals

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// Canteen is a meal-assistance canteen (助餐机构) as stored.
type Canteen struct {
	ID         int64
	Name       string
	Operator   string
	Address    string
	Latitude   string // decimal degrees as typed, "" when unknown
	Longitude  string
	RegionCode string // the community (12 digits) it stands in
	Capacity   int    // meals a day
	OpenDays   string // 7 characters of 0/1, Monday first
	Delivery   bool
	// CutoffMinutes is how long before a meal starts the canteen stops taking and cancelling
	// online orders.
	CutoffMinutes int
	Status        string
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// OpensOn reports whether the canteen opens on d's weekday. Public holidays are not closures
// by themselves: many canteens serve every day, and a closure is the canteen's to declare.
func (c *Canteen) OpensOn(d civil.Date) bool {
	i := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return len(c.OpenDays) == 7 && c.OpenDays[i] == '1'
}

// CanteenInput is a canteen as entered on a form. An empty OpenDays means every day; an empty
// Status means open.
type CanteenInput struct {
	Name, Operator, Address string
	Latitude, Longitude     string
	RegionCode              string
	Capacity                int
	OpenDays                string
	Delivery                bool
	Status                  string
	// CutoffMinutes is how long before a meal online orders close (0–1440); 0 takes
	// DefaultCutoffMinutes.
	CutoffMinutes int
}

// DefaultCutoffMinutes [D] is how long before a meal starts a canteen stops taking and
// cancelling online orders when it has not said otherwise: two hours, time to buy and cook.
const DefaultCutoffMinutes = 120

// check normalises in and reports the first field that is wrong, in Chinese.
func (s *Store) checkCanteen(ctx context.Context, q db.Querier, in *CanteenInput) error {
	in.Name, in.Operator = strings.TrimSpace(in.Name), strings.TrimSpace(in.Operator)
	in.Address, in.RegionCode = strings.TrimSpace(in.Address), strings.TrimSpace(in.RegionCode)
	in.Latitude, in.Longitude = strings.TrimSpace(in.Latitude), strings.TrimSpace(in.Longitude)
	if in.OpenDays == "" {
		in.OpenDays = "1111111"
	}
	if in.Status == "" {
		in.Status = CanteenOpen
	}
	if in.CutoffMinutes == 0 {
		in.CutoffMinutes = DefaultCutoffMinutes
	}
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 60:
		return apperr.FieldMsg("name", "meals.name_invalid")
	case in.Operator == "" || utf8.RuneCountInString(in.Operator) > 60:
		return apperr.FieldMsg("operator", "meals.operator_invalid")
	case in.Address == "" || utf8.RuneCountInString(in.Address) > 120:
		return apperr.FieldMsg("address", "meals.address_invalid")
	case !coordinate(in.Latitude, 90) || !coordinate(in.Longitude, 180) || (in.Latitude == "") != (in.Longitude == ""):
		return apperr.FieldMsg("latitude", "meals.coord_invalid")
	case in.Capacity < 0 || in.Capacity > 100000:
		return apperr.FieldMsg("capacity", "meals.capacity_invalid")
	case len(in.OpenDays) != 7 || strings.Trim(in.OpenDays, "01") != "":
		return apperr.FieldMsg("open_days", "meals.open_days_invalid")
	case in.Status != CanteenOpen && in.Status != CanteenSuspended && in.Status != CanteenClosed:
		return apperr.FieldMsg("status", "meals.status_invalid")
	case in.CutoffMinutes < 0 || in.CutoffMinutes > 1440:
		return apperr.FieldMsg("cutoff_minutes", "meals.order.cutoff_invalid")
	}
	return community(ctx, q, in.RegionCode, "region_code")
}

// community checks that code is a community of the regions table.
func community(ctx context.Context, q db.Querier, code, field string) error {
	if region.ValidCode(code) != nil || region.LevelOf(code) != region.Community {
		return apperr.FieldMsg(field, "meals.region_invalid")
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, code).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.FieldMsg(field, "meals.region_invalid")
	}
	return nil
}

// coordinate reports whether s is empty or a decimal number of degrees within ±limit.
func coordinate(s string, limit float64) bool {
	if s == "" {
		return true
	}
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f >= -limit && f <= limit
}

// CreateCanteen adds a canteen in p's area and returns its id.
func (s *Store) CreateCanteen(ctx context.Context, p *auth.Principal, in CanteenInput) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkCanteen(ctx, tx, &in); err != nil {
			return err
		}
		if !managesCanteens(p, in.RegionCode) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		now := s.stamp()
		if err := tx.QueryRow(ctx, `INSERT INTO canteens (name, operator, address, latitude, longitude, region_code,
			capacity, open_days, delivery, cutoff_minutes, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`, in.Name, in.Operator, in.Address, in.Latitude, in.Longitude, in.RegionCode, in.Capacity,
			in.OpenDays, in.Delivery, in.CutoffMinutes, in.Status, now, now).Scan(&id); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, event(p, "meals.canteen.create", "canteen", id, in.RegionCode,
			map[string]any{"name": in.Name, "operator": in.Operator}))
		return err
	})
	return id, err
}

// UpdateCanteen replaces canteen id with in. version is the version the editor saw: a canteen
// changed meanwhile is a Conflict, so no edit is silently lost. Moving a canteen needs the right
// to manage both its old and its new area.
func (s *Store) UpdateCanteen(ctx context.Context, p *auth.Principal, id int64, version int, in CanteenInput) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.canteen(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := s.checkCanteen(ctx, tx, &in); err != nil {
			return err
		}
		if !managesCanteens(p, old.RegionCode) || !managesCanteens(p, in.RegionCode) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		res, err := tx.Exec(ctx, `UPDATE canteens SET name = ?, operator = ?, address = ?, latitude = ?, longitude = ?,
			region_code = ?, capacity = ?, open_days = ?, delivery = ?, cutoff_minutes = ?, status = ?, version = version + 1,
			updated_at = ? WHERE id = ? AND version = ?`, in.Name, in.Operator, in.Address, in.Latitude, in.Longitude,
			in.RegionCode, in.Capacity, in.OpenDays, in.Delivery, in.CutoffMinutes, in.Status, s.stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "meals.stale")
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.canteen.update", "canteen", id, in.RegionCode,
			map[string]any{"name": in.Name, "status": in.Status, "from_region": old.RegionCode}))
		return err
	})
}

const canteenColumns = `id, name, operator, address, latitude, longitude, region_code, capacity, open_days, delivery,
	cutoff_minutes, status, version, created_at, updated_at`

func scanCanteen(row interface{ Scan(...any) error }) (*Canteen, error) {
	var c Canteen
	var created, updated string
	if err := row.Scan(&c.ID, &c.Name, &c.Operator, &c.Address, &c.Latitude, &c.Longitude, &c.RegionCode, &c.Capacity,
		&c.OpenDays, &c.Delivery, &c.CutoffMinutes, &c.Status, &c.Version, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, _ = db.ParseTime(created)
	c.UpdatedAt, _ = db.ParseTime(updated)
	return &c, nil
}

// Canteen reads canteen id; one outside p's sight is not found, like one that does not exist.
func (s *Store) Canteen(ctx context.Context, p *auth.Principal, id int64) (*Canteen, error) {
	return s.canteen(ctx, s.DB, p, id)
}

func (s *Store) canteen(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Canteen, error) {
	c, err := scanCanteen(q.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !seesCanteen(p, c.ID, c.RegionCode) {
		return nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	}
	return c, err
}

// Canteens lists the canteens p sees, by region and id: staff those of their area, a canteen
// operator their own.
func (s *Store) Canteens(ctx context.Context, p *auth.Principal) ([]Canteen, error) {
	where, args := "1 = 0", []any(nil)
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		where, args = "id = ?", []any{p.OrgID}
	case readsByRegion(p):
		where, args = p.ScopeCondition("region_code")
	}
	rows, err := s.DB.Query(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE `+where+` ORDER BY region_code, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Canteen
	for rows.Next() {
		c, err := scanCanteen(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}
