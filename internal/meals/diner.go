package meals

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// AEAD field names of the sealed columns this package owns.
const (
	IDField    = "diners.id_number"
	PhoneField = "diners.phone"
	// AddressField is a diner's delivery address; OrderAddressField the copy an order keeps, so
	// that a later move does not send an order placed before it somewhere else.
	AddressField      = "diners.address"
	OrderAddressField = "meal_orders.address"
	// RelativePhoneField is the number of a relative who may order for a diner.
	RelativePhoneField = "diner_relatives.phone"
)

// SealedColumns lists the encrypted columns this package owns, for key rotation.
func SealedColumns() []pii.Column {
	return []pii.Column{
		{Table: "diners", Key: "id", Sealed: "id_sealed", Field: IDField},
		{Table: "diners", Key: "id", Sealed: "phone_sealed", Field: PhoneField},
		{Table: "diners", Key: "id", Sealed: "address_sealed", Field: AddressField},
		{Table: "diner_relatives", Key: "id", Sealed: "phone_sealed", Field: RelativePhoneField},
		{Table: "meal_orders", Key: "id", Sealed: "address_sealed", Field: OrderAddressField},
	}
}

// MinAge is the age from which a person may register for meal assistance.
const MinAge = 60

// DinerInput is an elderly person as registered at the community office.
type DinerInput struct {
	Name     string
	IDNumber string
	// HomeRegion is the community the person lives in (12 digits): it decides the home
	// district and street of home-only subsidy shares.
	HomeRegion string
	// HukouRegion is the division of the person's hukou; empty takes the registry's, if the
	// person is registered there, else leaves it unknown (local-hukou rules then do not apply).
	HukouRegion string
	Phone       string // optional
	// Address is where meals are delivered (optional; only diners entitled to delivery need it).
	Address string
	// Categories may only hold "disabled" (失能, from the self-care assessment): 低保 and 特困
	// come from the registry, so nobody can grant them by ticking a box here.
	Categories []string
}

// Registration is a registered diner's card: the card number and the QR token to print on it.
// The token is shown this once; only its hash is stored.
type Registration struct {
	DinerID int64
	CardNo  string
	QRToken string
	// Categories are those stored: the hand-entered ones and the registry's.
	Categories []string
}

// RegisterDiner registers an elderly person once, with identity checked against the ID number
// (60 or over today) and the 低保/特困 categories taken from the registry by the ID hash. A
// person registered already is a Conflict naming their card.
func (s *Store) RegisterDiner(ctx context.Context, p *auth.Principal, in DinerInput) (*Registration, error) {
	today := s.today()
	in.Name, in.HomeRegion, in.HukouRegion = strings.TrimSpace(in.Name), strings.TrimSpace(in.HomeRegion), strings.TrimSpace(in.HukouRegion)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 40 {
		return nil, apperr.FieldMsg("name", "meals.diner_name_invalid")
	}
	id, err := idcard.ParseAt(in.IDNumber, today)
	if err != nil {
		return nil, apperr.FieldMsg("id_number", "meals.id_invalid", err.Error())
	}
	if age := id.AgeOn(today); age < MinAge {
		return nil, apperr.FieldMsg("id_number", "meals.too_young", age)
	}
	if err := community(ctx, s.DB, in.HomeRegion, "home_region"); err != nil {
		return nil, err
	}
	if in.HukouRegion != "" && region.ValidCode(in.HukouRegion) != nil {
		return nil, apperr.FieldMsg("hukou_region", "meals.hukou_invalid")
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if phone = pii.Normalize(pii.Phone, in.Phone); len(phone) < 7 || len(phone) > 12 {
			return nil, apperr.FieldMsg("phone", "meals.phone_invalid")
		}
	}
	address, err := checkAddress(in.Address)
	if err != nil {
		return nil, err
	}
	in.Address = address
	var cats []string
	for _, c := range in.Categories {
		if c != CategoryDisabled {
			return nil, apperr.FieldMsg("categories", "meals.category_invalid")
		}
		cats = []string{CategoryDisabled}
	}
	if !registersDiners(p, in.HomeRegion) {
		return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	idHash := s.Keys.Hash(pii.IDNumber, string(id))
	facts, registered, err := s.Registry.MealFactsOfHash(ctx, idHash)
	if err != nil {
		return nil, err
	}
	if registered {
		for _, t := range facts.Tiers {
			if t == registry.Dibao || t == registry.Tekun {
				cats = append(cats, string(t))
			}
		}
		if in.HukouRegion == "" {
			in.HukouRegion = facts.HukouRegion
		}
	}
	slices.Sort(cats)
	r := &Registration{Categories: slices.Compact(cats)}
	if r.QRToken, err = newQRToken(); err != nil {
		return nil, err
	}
	row := dinerRow{in: in, id: id, idHash: idHash, phone: phone, reg: r}
	// A clash on a unique column can only come from a concurrent registration of the same person
	// or an unlucky card number; a second attempt sees the committed row and reports it properly.
	for attempt := 0; ; attempt++ {
		err = s.DB.InTx(ctx, func(tx *db.Tx) error { return s.insertDiner(ctx, tx, p, row) })
		if !db.IsUniqueViolation(err) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// dinerRow is a validated registration on its way into the database.
type dinerRow struct {
	in     DinerInput
	id     idcard.Number
	idHash string
	phone  string
	reg    *Registration
}

func (s *Store) insertDiner(ctx context.Context, tx *db.Tx, p *auth.Principal, r dinerRow) error {
	var card string
	err := tx.QueryRow(ctx, `SELECT card_no FROM diners WHERE id_hash = ?`, r.idHash).Scan(&card)
	if err == nil {
		return apperr.Msg(apperr.Conflict, "meals.diner_exists", card)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if r.reg.CardNo, err = s.freeCardNo(ctx, tx); err != nil {
		return err
	}
	sealedID, err := s.Keys.Seal(string(r.id), IDField)
	if err != nil {
		return err
	}
	sealedPhone, phoneHash, phoneMasked := "", "", ""
	if r.phone != "" {
		if sealedPhone, err = s.Keys.Seal(r.phone, PhoneField); err != nil {
			return err
		}
		phoneHash, phoneMasked = s.Keys.Hash(pii.Phone, r.phone), pii.MaskPhone(r.phone)
	}
	sealedAddress, err := s.sealAddress(r.in.Address)
	if err != nil {
		return err
	}
	now := s.stamp()
	if err := tx.QueryRow(ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, hukou_region,
		home_region, phone_sealed, phone_hash, phone_masked, address_sealed, address_masked, categories, card_no,
		qr_token_hash, status, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.in.Name, sealedID, r.idHash, r.id.Mask(), r.id.BirthDate().String(), r.in.HukouRegion, r.in.HomeRegion,
		sealedPhone, phoneHash, phoneMasked, sealedAddress, MaskAddress(r.in.Address), joinList(r.reg.Categories),
		r.reg.CardNo, tokenHash(r.reg.QRToken), DinerActive, p.Login, now, now).Scan(&r.reg.DinerID); err != nil {
		return err
	}
	_, err = s.Audit.Append(ctx, tx, event(p, "meals.diner.register", "diner", r.reg.DinerID, r.in.HomeRegion,
		map[string]any{"id_number": r.id.Mask(), "categories": joinList(r.reg.Categories), "card_no": r.reg.CardNo}))
	return err
}

// freeCardNo draws card numbers until one is not taken. With 9×10^10 numbers for a city's
// hundred thousand diners a second draw is already rare.
func (s *Store) freeCardNo(ctx context.Context, q db.Querier) (string, error) {
	for {
		c, err := newCardNo()
		if err != nil {
			return "", err
		}
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM diners WHERE card_no = ?`, c).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return c, nil
		}
	}
}

// maxAddress bounds a delivery address: a full Chinese address with building, unit and room fits.
const maxAddress = 120

// checkAddress trims a delivery address and refuses one too long; "" means none.
func checkAddress(a string) (string, error) {
	a = strings.TrimSpace(a)
	if utf8.RuneCountInString(a) > maxAddress || strings.ContainsAny(a, "\r\n") {
		return "", apperr.FieldMsg("address", "meals.order.address_invalid")
	}
	return a, nil
}

// sealAddress seals a diner's address ("" stays "").
func (s *Store) sealAddress(a string) (string, error) {
	if a == "" {
		return "", nil
	}
	return s.Keys.Seal(a, AddressField)
}

// MaskAddress shows an address as pages may: the part before the first digit (district, street,
// road), at most 12 characters, then stars, so the house and room number stay hidden: 崂山区松岭路****.
func MaskAddress(a string) string {
	r := []rune(strings.TrimSpace(a))
	if len(r) == 0 {
		return ""
	}
	n := 0
	for n < len(r) && n < 12 && !unicode.IsDigit(r[n]) && (r[n] < '０' || r[n] > '９') {
		n++
	}
	n = min(n, len(r)*2/3) // never most of a short address
	return strings.TrimSpace(string(r[:n])) + "****"
}

// SetDinerAddress changes where diner id's meals are delivered ("" removes it), for staff who
// may register diners where the diner lives. Orders already placed keep the address they were
// placed with.
func (s *Store) SetDinerAddress(ctx context.Context, p *auth.Principal, id int64, address string) error {
	address, err := checkAddress(address)
	if err != nil {
		return err
	}
	sealed, err := s.sealAddress(address)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := scanDiner(tx.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if !readsByRegion(p) || !p.Sees(d.HomeRegion) {
			return apperr.Msg(apperr.NotFound, "meals.diner_notfound")
		}
		if !registersDiners(p, d.HomeRegion) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		if _, err := tx.Exec(ctx, `UPDATE diners SET address_sealed = ?, address_masked = ?, version = version + 1,
			updated_at = ? WHERE id = ?`, sealed, MaskAddress(address), s.stamp(), id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.diner.address", "diner", id, d.HomeRegion,
			map[string]any{"address": MaskAddress(address)}))
		return err
	})
}
