package registry

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// Change is one row of a household's timeline: who changed which field, when, from what to what.
// Identifiers appear masked.
type Change struct {
	At       time.Time
	Actor    string
	Entity   string // "household", or "member 370212********1234"
	Field    string
	Old, New string
}

// History returns household id's timeline, newest first, if it is within the caller's scope.
func (s *Store) History(ctx context.Context, p *auth.Principal, id int64) ([]Change, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT at, actor, entity, field, old_value, new_value FROM registry_history
		WHERE household_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at string
		if err := rows.Scan(&at, &c.Actor, &c.Entity, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		c.At, _ = db.ParseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// history collects the rows one write adds to the timeline.
type history struct {
	at          string
	actor       *auth.Principal
	householdID int64
	rows        [][]any
}

func (h *history) add(entity string, personID int64, fieldName, old, new string) {
	var actorID any
	actor := "system"
	if h.actor != nil && h.actor.UserID != 0 {
		actorID, actor = h.actor.UserID, h.actor.Login
	}
	var pid any
	if personID != 0 {
		pid = personID
	}
	h.rows = append(h.rows, []any{h.at, actorID, actor, h.householdID, pid, entity, fieldName, old, new})
}

func (h *history) write(ctx context.Context, tx *db.Tx) error {
	for _, r := range h.rows {
		if _, err := tx.Exec(ctx, `INSERT INTO registry_history (at, actor_id, actor, household_id, person_id, entity, field,
			old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r...); err != nil {
			return err
		}
	}
	return nil
}

// snapshot is a household flattened to comparable display values, keyed so that the same member
// matches across versions by ID-number hash.
type snapshot map[string]snapValue

type snapValue struct{ entity, field, value string }

type change struct{ entity, field, old, new string }

// diff lists the fields whose values differ between two snapshots, in a stable order.
func diff(old, new snapshot) []change {
	var out []change
	for k, nv := range new {
		if ov, ok := old[k]; !ok || ov.value != nv.value {
			if !ok && nv.value == "" {
				continue
			}
			out = append(out, change{nv.entity, nv.field, old[k].value, nv.value})
		}
	}
	for k, ov := range old {
		if _, ok := new[k]; !ok && ov.value != "" {
			out = append(out, change{ov.entity, ov.field, ov.value, ""})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].entity != out[j].entity {
			return out[i].entity < out[j].entity
		}
		return out[i].field < out[j].field
	})
	return out
}

func (sn snapshot) set(key, entity, fieldName, value string) {
	sn[key+"|"+fieldName] = snapValue{entity, fieldName, value}
}

func householdFields(sn snapshot, region, address string, hukou HukouType, hukouRegion string, a Assets, sp []Spending) {
	sn.set("h", "household", "region_code", region)
	sn.set("h", "household", "address", address)
	sn.set("h", "household", "hukou", string(hukou))
	sn.set("h", "household", "hukou_region", hukouRegion)
	sn.set("h", "household", "financial_assets", a.FinancialAssets.String())
	sn.set("h", "household", "vehicles", fmt.Sprint(a.Vehicles))
	sn.set("h", "household", "homes", fmt.Sprint(a.Homes))
	sn.set("h", "household", "floor_area_m2", fmt.Sprint(a.FloorAreaM2))
	sn.set("h", "household", "business_registered", fmt.Sprint(a.BusinessRegistered))
	for _, x := range sp {
		if x.Amount != 0 {
			sn.set("h", "household", "spending."+string(x.Kind), x.Amount.String())
		}
	}
}

func memberFields(sn snapshot, key, masked string, m personFields) {
	entity := "member " + masked
	sn.set(key, entity, "name", m.name)
	sn.set(key, entity, "relation", string(m.relation))
	sn.set(key, entity, "phone", m.phoneMasked)
	for _, kv := range [][2]string{{"marital", m.marital}, {"education", m.education}, {"in_school", fmt.Sprint(m.inSchool)},
		{"employment", m.employment}, {"work_capacity", m.workCapacity}, {"disability", m.disability},
		{"serious_illness", fmt.Sprint(m.seriousIllness)}, {"illness", m.illness}, {"selfcare_failed", m.selfcare}} {
		sn.set(key, entity, kv[0], kv[1])
	}
	for _, inc := range m.incomes {
		if inc.Monthly != 0 {
			sn.set(key, entity, "income."+string(inc.Kind), inc.Monthly.String())
		}
	}
}

// personFields are a member's comparable values, from either an input or a stored person.
type personFields struct {
	name, phoneMasked, marital, education, employment, workCapacity, disability, illness, selfcare string
	relation                                                                                       Relation
	inSchool, seriousIllness                                                                       bool
	incomes                                                                                        []Income
}

func disabilityText(d Disability) string {
	if d.Grade == 0 {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("%s %d %s", d.Kind, d.Grade, d.Certificate))
}

func tierFields(sn snapshot, tiers []TierInput, memberKey func(int) (string, string)) {
	for _, t := range tiers {
		key, entity := "h", "household"
		if t.MemberIndex >= 0 {
			key, entity = memberKey(t.MemberIndex)
		}
		sn.set(key, entity, "tier."+string(t.Tier), t.ValidFrom.String())
	}
}
