package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
)

// Bulk loads many households fast — the demo city and benchmark databases of a million
// households — with multi-row inserts and explicit ids, one transaction per call. It skips the
// per-field history (a loaded household's history starts with one "loaded" row) and the
// duplicate search, and it must not run beside other writers of the registry; gen takes care of
// that. Inputs are checked for the things the database itself would reject.
type Bulk struct {
	Store  *Store
	nextHH int64
	nextP  int64
	ready  bool
}

// Load inserts the households in one transaction and returns the number of persons inserted.
func (b *Bulk) Load(ctx context.Context, households []HouseholdInput) (int, error) {
	s := b.Store
	persons := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !b.ready {
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM households`).Scan(&b.nextHH); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM persons`).Scan(&b.nextP); err != nil {
				return err
			}
			b.ready = true
		}
		now := db.FormatTime(s.now())
		hh := newBatch(tx, `INSERT INTO households (id, region_code, address, hukou, hukou_region, financial_assets_fen, vehicles,
			homes, floor_area_m2, business_registered, created_at, updated_at) VALUES `, 12)
		pp := newBatch(tx, `INSERT INTO persons (id, household_id, region_code, name, id_sealed, id_hash, id_masked, birth_date,
			sex, relation, phone_sealed, phone_hash, phone_masked, marital, education, in_school, employment, work_capacity,
			disability_cert, disability_kind, disability_grade, serious_illness, illness, selfcare_failed, position) VALUES `, 25)
		inc := newBatch(tx, `INSERT INTO incomes (person_id, kind, monthly_fen) VALUES `, 3)
		sp := newBatch(tx, `INSERT INTO spending (household_id, kind, amount_fen) VALUES `, 3)
		tr := newBatch(tx, `INSERT INTO tiers (household_id, person_id, region_code, tier, valid_from) VALUES `, 5)
		grams := newBatch(tx, `INSERT INTO person_name_grams (gram, region_code, person_id) VALUES `, 3)
		hist := newBatch(tx, `INSERT INTO registry_history (at, actor, household_id, entity, field, new_value) VALUES `, 6)
		// Rows referring to others must not reach the database before them.
		pp.after, inc.after, sp.after, tr.after = []*batch{hh}, []*batch{pp}, []*batch{hh}, []*batch{hh, pp}
		grams.after = []*batch{pp}
		for _, in := range households {
			b.nextHH++
			hid := b.nextHH
			a := in.Assets
			if err := hh.add(ctx, hid, in.RegionCode, in.Address, string(in.Hukou), in.HukouRegion, int64(a.FinancialAssets),
				a.Vehicles, a.Homes, a.FloorAreaM2, a.BusinessRegistered, now, now); err != nil {
				return err
			}
			pids := make([]int64, len(in.Members))
			for i, m := range in.Members {
				id, err := idcard.Parse(m.IDNumber)
				if err != nil {
					return fmt.Errorf("household %d member %d: %w", hid, i, err)
				}
				b.nextP++
				pids[i] = b.nextP
				sealedID, err := s.Keys.Seal(string(id), IDField)
				if err != nil {
					return err
				}
				sealedPhone, phoneHash, phoneMasked := "", "", ""
				if m.Phone != "" {
					phone := pii.Normalize(pii.Phone, m.Phone)
					if sealedPhone, err = s.Keys.Seal(phone, PhoneField); err != nil {
						return err
					}
					phoneHash, phoneMasked = s.Keys.Hash(pii.Phone, phone), pii.MaskPhone(phone)
				}
				if err := pp.add(ctx, pids[i], hid, in.RegionCode, m.Name, sealedID, s.Keys.Hash(pii.IDNumber, string(id)), id.Mask(),
					id.BirthDate().String(), id.Sex().Key(), string(m.Relation), sealedPhone, phoneHash, phoneMasked, m.Marital,
					m.Education, m.InSchool, m.Employment, m.WorkCapacity, m.Disability.Certificate, string(m.Disability.Kind),
					m.Disability.Grade, m.SeriousIllness, m.Illness, m.SelfCare.encode(), i); err != nil {
					return err
				}
				for _, g := range nameGrams(m.Name) {
					if err := grams.add(ctx, g, in.RegionCode, pids[i]); err != nil {
						return err
					}
				}
				for _, x := range m.Incomes {
					if x.Monthly > 0 {
						if err := inc.add(ctx, pids[i], string(x.Kind), int64(x.Monthly)); err != nil {
							return err
						}
					}
				}
			}
			persons += len(in.Members)
			for _, x := range in.Spending {
				if x.Amount > 0 {
					if err := sp.add(ctx, hid, string(x.Kind), int64(x.Amount)); err != nil {
						return err
					}
				}
			}
			for _, t := range in.Tiers {
				var person any
				if t.MemberIndex >= 0 {
					person = pids[t.MemberIndex]
				}
				if err := tr.add(ctx, hid, person, in.RegionCode, string(t.Tier), t.ValidFrom.String()); err != nil {
					return err
				}
			}
			if err := hist.add(ctx, now, "system", hid, "household", "loaded", fmt.Sprint(len(in.Members))); err != nil {
				return err
			}
		}
		for _, bt := range []*batch{hh, pp, inc, sp, tr, grams, hist} {
			if err := bt.flush(ctx); err != nil {
				return err
			}
		}
		if len(households) > 0 {
			if err := refreshFacts(ctx, tx, b.nextHH-int64(len(households))+1, b.nextHH); err != nil {
				return err
			}
		}
		for _, table := range []string{"households", "persons"} {
			if q := tx.Dialect().AfterExplicitIDs(table); q != "" {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return persons, err
}

// batch accumulates rows for one multi-row INSERT, flushing before the statement would exceed
// the engines' limit on bound parameters.
type batch struct {
	tx     *db.Tx
	prefix string
	cols   int
	args   []any
	rows   int
	after  []*batch // flushed first: the tables this one refers to
}

// maxParams stays under SQLite's default limit of 32,766 bound parameters (PostgreSQL allows 65,535).
const maxParams = 30000

func newBatch(tx *db.Tx, prefix string, cols int) *batch {
	return &batch{tx: tx, prefix: prefix, cols: cols}
}

func (b *batch) add(ctx context.Context, vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), b.cols)
	}
	b.args = append(b.args, vals...)
	b.rows++
	if len(b.args)+b.cols > maxParams {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	for _, dep := range b.after {
		if err := dep.flush(ctx); err != nil {
			return err
		}
	}
	row := "(" + db.Placeholders(b.cols) + ")"
	q := b.prefix + strings.TrimSuffix(strings.Repeat(row+", ", b.rows), ", ")
	_, err := b.tx.Exec(ctx, q, b.args...)
	b.args, b.rows = b.args[:0], 0
	return err
}
