package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// The reasons two person records may be the same person despite different ID numbers (a typo in
// one of them, an old 15-digit number, a record entered twice).
const (
	SameNameBirth    = "name_birth"
	SamePhoneAddress = "phone_address"
)

// findDuplicates queues likely duplicates of the given persons for a person to decide on.
func (s *Store) findDuplicates(ctx context.Context, tx *db.Tx, personIDs []int64) error {
	for _, id := range personIDs {
		for _, q := range []struct{ reason, sql string }{
			{SameNameBirth, `SELECT o.id, o.region_code FROM persons p JOIN persons o
				ON o.name = p.name AND o.birth_date = p.birth_date AND o.id <> p.id WHERE p.id = ?`},
			{SamePhoneAddress, `SELECT o.id, o.region_code FROM persons p
				JOIN households hp ON hp.id = p.household_id
				JOIN persons o ON o.phone_hash = p.phone_hash AND o.household_id <> p.household_id
				JOIN households ho ON ho.id = o.household_id AND ho.address = hp.address
				WHERE p.id = ? AND p.phone_hash <> ''`},
		} {
			rows, err := tx.Query(ctx, q.sql, id)
			if err != nil {
				return err
			}
			type match struct {
				id     int64
				region string
			}
			var found []match
			for rows.Next() {
				var m match
				if err := rows.Scan(&m.id, &m.region); err != nil {
					rows.Close()
					return err
				}
				found = append(found, m)
			}
			rows.Close()
			for _, m := range found {
				a, b := min(id, m.id), max(id, m.id)
				if _, err := tx.Exec(ctx, `INSERT INTO duplicate_candidates (person_a, person_b, region_code, reason)
					VALUES (?, ?, ?, ?) ON CONFLICT (person_a, person_b, reason) DO NOTHING`, a, b, m.region, q.reason); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Candidate is a pair of person records that may be one person.
type Candidate struct {
	ID         int64
	Reason     string
	Status     string
	A, B       Person
	AHousehold string // address
	BHousehold string
	DecidedBy  string
	Note       string
}

// Candidates lists duplicate candidates with status ("open", "merged", "dismissed") where both
// persons lie within the caller's scope.
func (s *Store) Candidates(ctx context.Context, p *auth.Principal, status string, limit int) ([]Candidate, error) {
	where, args := p.ScopeCondition("pa.region_code")
	w2, a2 := p.ScopeCondition("pb.region_code")
	rows, err := s.DB.Query(ctx, `SELECT c.id, c.reason, c.status, c.decided_by, c.note,
		`+prefixedPerson("pa")+`, ha.address, `+prefixedPerson("pb")+`, hb.address
		FROM duplicate_candidates c
		JOIN persons pa ON pa.id = c.person_a JOIN households ha ON ha.id = pa.household_id
		JOIN persons pb ON pb.id = c.person_b JOIN households hb ON hb.id = pb.household_id
		WHERE c.status = ? AND `+where+` AND `+w2+` ORDER BY c.id LIMIT ?`, append(append(append([]any{status}, args...), a2...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var ab, as, bb, bs string
		dst := append([]any{&c.ID, &c.Reason, &c.Status, &c.DecidedBy, &c.Note}, personDest(&c.A, &ab, &as)...)
		dst = append(dst, &c.AHousehold)
		dst = append(dst, personDest(&c.B, &bb, &bs)...)
		dst = append(dst, &c.BHousehold)
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		finishPerson(&c.A, ab, as)
		finishPerson(&c.B, bb, bs)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Decide closes a candidate: dismiss (they are different people) or merge (they are one person:
// the record `drop` is removed and `keep` stays). The decision, with its note, is kept on the
// candidate, in both households' timelines and in the audit log.
func (s *Store) Decide(ctx context.Context, p *auth.Principal, id int64, merge bool, drop int64, note, ip string) error {
	cands, err := s.Candidates(ctx, p, "open", 100000)
	if err != nil {
		return err
	}
	var c *Candidate
	for i := range cands {
		if cands[i].ID == id {
			c = &cands[i]
		}
	}
	if c == nil {
		return apperr.Msg(apperr.NotFound, "registry.candidate_notfound")
	}
	if note = strings.TrimSpace(note); note == "" {
		return apperr.FieldMsg("note", "registry.note_required")
	}
	status := "dismissed"
	if merge {
		status = "merged"
		if drop != c.A.ID && drop != c.B.ID {
			return apperr.FieldMsg("drop", "registry.merge_pick")
		}
		dropped := c.A
		if drop == c.B.ID {
			dropped = c.B
		}
		if dropped.Relation == Head {
			return apperr.FieldMsg("drop", "registry.merge_head")
		}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := db.FormatTime(s.now())
		res, err := tx.Exec(ctx, `UPDATE duplicate_candidates SET status = ?, decided_by = ?, decided_at = ?, note = ?
			WHERE id = ? AND status = 'open'`, status, p.Login, now, note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "registry.candidate_decided")
		}
		for _, m := range []Person{c.A, c.B} {
			h := history{at: now, actor: p, householdID: m.HouseholdID}
			h.add("member "+m.IDMasked, 0, "duplicate."+status, "", note)
			if err := h.write(ctx, tx); err != nil {
				return err
			}
		}
		if merge {
			if err := removePerson(ctx, tx, drop); err != nil {
				return err
			}
		}
		ev := audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip, Action: "registry.duplicate_" + status,
			TargetType: "person", TargetID: fmt.Sprint(c.A.ID), Detail: map[string]any{"candidate": id, "a": c.A.ID, "b": c.B.ID, "dropped": drop, "note": note}}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// removePerson deletes a person record and what hangs on it.
func removePerson(ctx context.Context, tx *db.Tx, id int64) error {
	var household int64
	if err := tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id = ?`, id).Scan(&household); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM incomes WHERE person_id = ?`, `DELETE FROM tiers WHERE person_id = ?`,
		`DELETE FROM person_name_grams WHERE person_id = ?`,
		`UPDATE duplicate_candidates SET status = 'merged' WHERE status = 'open' AND (person_a = ? OR person_b = ?)`,
		`DELETE FROM persons WHERE id = ?`} {
		args := []any{id}
		if strings.Count(q, "?") == 2 {
			args = append(args, id)
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return refreshFacts(ctx, tx, household, household)
}

// prefixedPerson is personColumns qualified by a table alias.
func prefixedPerson(alias string) string { return db.Qualify(alias, personColumns) }
