package meals

import (
	"context"
	"database/sql"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// actor is an Orderer made concrete: a citizen with the keyed hash of their number, or staff.
type actor struct {
	citizenID int64
	phoneHash string
	masked    string
	staff     *auth.Principal
}

// actorOf resolves o. A citizen is found by id in the citizen sign-in's table: the citizen
// package exports no look-up of a citizen's number hash, and the session gives only the id, so
// this one query reads its citizens table (id, phone_hash, phone_masked) and nothing else.
func actorOf(ctx context.Context, q db.Querier, o Orderer) (*actor, error) {
	if o.Staff != nil {
		return &actor{staff: o.Staff}, nil
	}
	if o.CitizenID <= 0 {
		return nil, apperr.Msg(apperr.Unauthenticated, "meals.order.signin_required")
	}
	a := &actor{citizenID: o.CitizenID}
	err := q.QueryRow(ctx, `SELECT phone_hash, phone_masked FROM citizens WHERE id = ?`, o.CitizenID).Scan(&a.phoneHash, &a.masked)
	if errors.Is(err, sql.ErrNoRows) || err == nil && a.phoneHash == "" {
		return nil, apperr.Msg(apperr.Unauthenticated, "meals.order.signin_required")
	}
	return a, err
}

// orderedBy says on whose behalf a may order for diner d: "diner" (their own number),
// "relative:<id>" (a linked relative) or "staff:<login>" (staff who may register the diner). A
// citizen who is neither, like staff who cannot see the diner, gets NotFound: a stranger learns
// nothing about who is registered.
func (a *actor) orderedBy(ctx context.Context, q db.Querier, d *DinerRecord) (string, error) {
	notFound := apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	if a.staff != nil {
		p := a.staff
		switch {
		case !readsByRegion(p) || !p.Sees(d.HomeRegion):
			return "", notFound
		case !registersDiners(p, d.HomeRegion):
			return "", apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		return "staff:" + p.Login, nil
	}
	var own string
	if err := q.QueryRow(ctx, `SELECT phone_hash FROM diners WHERE id = ?`, d.ID).Scan(&own); err != nil {
		return "", err
	}
	if own != "" && own == a.phoneHash {
		return "diner", nil
	}
	var rel int64
	err := q.QueryRow(ctx, `SELECT id FROM diner_relatives WHERE diner_id = ? AND phone_hash = ?`, d.ID, a.phoneHash).Scan(&rel)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound
	}
	if err != nil {
		return "", err
	}
	return "relative:" + itoa(rel), nil
}

// event is an audit event by a: staff as themselves, a citizen by their masked number in the
// role the UI calls 公众.
func (a *actor) event(action string, orderID int64, region string, detail map[string]any) audit.Event {
	if a.staff != nil {
		return event(a.staff, action, "meal_order", orderID, region, detail)
	}
	return audit.Event{Actor: a.masked, Role: "public", Action: action, TargetType: "meal_order", TargetID: itoa(orderID),
		RegionCode: region, Detail: detail}
}

// OrderDiner is a diner a citizen may order for, as the phone page lists them.
type OrderDiner struct {
	ID   int64
	Name string // masked
	// Relation is "本人" for the diner's own number, else the relation the office recorded.
	Relation string
	// Delivery says whether meals may be delivered: entitled, and an address on file.
	Delivery      bool
	AddressMasked string
}

// OrderDiners lists the active diners o may order for: for a citizen those whose own number or
// linked relative's number they signed in with. Staff find diners through the diner pages.
func (s *Store) OrderDiners(ctx context.Context, o Orderer) ([]OrderDiner, error) {
	a, err := actorOf(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	if a.staff != nil {
		return nil, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT d.id, d.name, d.categories, d.address_sealed, d.address_masked, '' FROM diners d
		WHERE d.phone_hash = ? AND d.status = ?
		UNION ALL
		SELECT d.id, d.name, d.categories, d.address_sealed, d.address_masked, r.relation FROM diner_relatives r
		JOIN diners d ON d.id = r.diner_id WHERE r.phone_hash = ? AND d.status = ?`,
		a.phoneHash, DinerActive, a.phoneHash, DinerActive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rules := s.orderRules()
	var out []OrderDiner
	seen := map[int64]bool{}
	for rows.Next() {
		var d OrderDiner
		var cats, sealed string
		if err := rows.Scan(&d.ID, &d.Name, &cats, &sealed, &d.AddressMasked, &d.Relation); err != nil {
			return nil, err
		}
		if seen[d.ID] { // the diner's own number is also linked as a relative's: once, as 本人
			continue
		}
		seen[d.ID] = true
		d.Name = pii.MaskName(d.Name)
		if d.Relation == "" {
			d.Relation = "本人"
		}
		d.Delivery = sealed != "" && rules.EntitledToDelivery(splitList(cats))
		out = append(out, d)
	}
	return out, rows.Err()
}

// maySee reports whether a may read order o: the orderer's side (orderedBy) for citizens; for
// staff the canteen's operator, or staff who see the canteen or the diner's home.
func (a *actor) maySee(ctx context.Context, q db.Querier, o *Order) (bool, error) {
	if a.staff != nil {
		p := a.staff
		return seesCanteen(p, o.CanteenID, o.canteenRegion) || readsByRegion(p) && p.Sees(o.homeRegion), nil
	}
	_, err := a.orderedBy(ctx, q, &DinerRecord{ID: o.DinerID, HomeRegion: o.homeRegion})
	if apperr.KindOf(err) == apperr.NotFound {
		return false, nil
	}
	return err == nil, err
}
