package assistance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// FileObjection records an objection from the public against case id while its notice runs.
// Anyone may object, without an account; the filer's name and contact are optional.
func (s *Store) FileObjection(ctx context.Context, id int64, filer, contact, content, ip string) (int64, error) {
	content = strings.TrimSpace(content)
	if content == "" || utf8.RuneCountInString(content) > 2000 {
		return 0, apperr.FieldMsg("content", "case.objection_required")
	}
	if utf8.RuneCountInString(filer) > 50 || utf8.RuneCountInString(contact) > 50 {
		return 0, apperr.FieldMsg("filer", "case.too_long")
	}
	var oid int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.load(ctx, tx, auth.System(), id)
		if err != nil {
			return err
		}
		steps, err := s.steps(ctx, tx, id)
		if err != nil {
			return err
		}
		st, ok := openStep(steps)
		if a.Status != StatusOpen || !ok || st.Step != StepNotice || (st.Data.Notice != nil && !st.Data.Notice.Running(s.today())) {
			return apperr.Msg(apperr.NotFound, "case.notice_notfound")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO objections (application_id, filed_at, filer, contact, content, status)
			VALUES (?, ?, ?, ?, ?, 'open') RETURNING id`, id, s.stamp(), strings.TrimSpace(filer), strings.TrimSpace(contact),
			content).Scan(&oid); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Actor: audit.Anonymous, Action: "case.objection", TargetType: "application",
			TargetID: itoa(id), RegionCode: a.RegionCode, IP: ip})
		return err
	})
	return oid, err
}

// ResolveObjection settles objection oid of case id. An upheld objection reopens the case: the
// notice ends and a new home visit is opened, so the facts are investigated again before a
// new notice; a dismissed one lets the notice run to its end.
func (s *Store) ResolveObjection(ctx context.Context, p *auth.Principal, id int64, version int, oid int64, upheld bool, resolution, ip string) (*Application, error) {
	resolution = strings.TrimSpace(resolution)
	if resolution == "" || utf8.RuneCountInString(resolution) > 2000 {
		return nil, apperr.FieldMsg("resolution", "case.reason_required")
	}
	return s.onCase(ctx, p, id, version, ip, "case.objection_resolve", func(c *caseTx) error {
		if err := mustAct(p, Street, StepNotice, c.a.RegionCode); err != nil {
			return err
		}
		status := "dismissed"
		if upheld {
			status = "upheld"
		}
		res, err := c.tx.Exec(ctx, `UPDATE objections SET status = ?, resolved_by = ?, resolved_at = ?, resolution = ?
			WHERE id = ? AND application_id = ? AND status = 'open'`, status, p.Login, c.s.stamp(), resolution, oid, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Msg(apperr.NotFound, "case.objection_notfound")
		}
		if !upheld {
			return nil
		}
		st, ok := openStep(c.steps)
		if !ok || st.Step != StepNotice {
			return apperr.Msg(apperr.Conflict, "case.not_current_step")
		}
		if _, err := c.tx.Exec(ctx, `UPDATE case_steps SET status = 'reopened', done_at = ?, done_by = ?, done_role = ?,
			outcome = 'reopened', note = ? WHERE id = ?`, c.s.stamp(), p.Login, string(p.Role), resolution, st.ID); err != nil {
			return err
		}
		for i := range c.steps {
			if c.steps[i].ID == st.ID {
				c.steps[i].Status = "reopened"
			}
		}
		def, _ := c.wf.Step(StepVisit)
		return c.open(ctx, def)
	})
}

// objections lists the objections of case id. It takes no principal: its callers have found
// the case within the caller's scope first.
func (s *Store) objections(ctx context.Context, q db.Querier, id int64) ([]Objection, error) {
	rows, err := q.Query(ctx, `SELECT id, filed_at, filer, content, status, resolved_by, resolved_at, resolution
		FROM objections WHERE application_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		o := Objection{ApplicationID: id}
		var filed, resolved string
		if err := rows.Scan(&o.ID, &filed, &o.Filer, &o.Content, &o.Status, &o.ResolvedBy, &resolved, &o.Resolution); err != nil {
			return nil, err
		}
		o.FiledAt, _ = parseTime(filed)
		o.ResolvedAt, _ = parseTime(resolved)
		out = append(out, o)
	}
	return out, rows.Err()
}
