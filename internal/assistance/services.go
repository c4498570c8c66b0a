package assistance

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// ServiceInput is a service delivered to a household, as the officer records it.
type ServiceInput struct {
	Kind     string
	Provider string
	ServedOn civil.Date
	Note     string
}

// RecordService records a service (物质+服务) delivered to household hid: psychological aid,
// care, resource linkage. Street officers and grid workers record what they arranged.
func (s *Store) RecordService(ctx context.Context, p *auth.Principal, hid int64, in ServiceInput, ip string) (int64, error) {
	h, err := s.Registry.Get(ctx, p, hid)
	if err != nil {
		return 0, err
	}
	if p.Role != auth.StreetOfficer && p.Role != auth.GridWorker {
		return 0, apperr.Msg(apperr.Forbidden, "case.step_forbidden.street")
	}
	in.Provider, in.Note = strings.TrimSpace(in.Provider), strings.TrimSpace(in.Note)
	switch {
	case !slices.Contains(ServiceKinds(), in.Kind):
		return 0, apperr.FieldMsg("kind", "case.bad_service_kind")
	case in.Provider == "" || utf8.RuneCountInString(in.Provider) > 100:
		return 0, apperr.FieldMsg("provider", "case.provider_required")
	case in.ServedOn.IsZero() || in.ServedOn.After(s.today()):
		return 0, apperr.FieldMsg("served_on", "case.bad_service_date")
	case utf8.RuneCountInString(in.Note) > 2000:
		return 0, apperr.FieldMsg("note", "case.too_long")
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO services (household_id, region_code, kind, provider, served_on, note, recorded_by,
			recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, hid, h.RegionCode, in.Kind, in.Provider, in.ServedOn.String(),
			in.Note, p.Login, s.stamp()).Scan(&id); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), Action: "service.record",
			TargetType: "household", TargetID: itoa(hid), RegionCode: h.RegionCode, IP: ip, Detail: map[string]any{"kind": in.Kind}})
		return err
	})
	return id, err
}

// Services lists the services of household hid, newest first.
func (s *Store) Services(ctx context.Context, p *auth.Principal, hid int64) ([]Service, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, region_code, kind, provider, served_on, note, recorded_by, recorded_at
		FROM services WHERE household_id = ? ORDER BY served_on DESC, id DESC`, hid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		sv := Service{HouseholdID: hid}
		var on, at string
		if err := rows.Scan(&sv.ID, &sv.RegionCode, &sv.Kind, &sv.Provider, &on, &sv.Note, &sv.RecordedBy, &at); err != nil {
			return nil, err
		}
		sv.ServedOn, _ = civil.ParseDate(on)
		sv.RecordedAt, _ = parseTime(at)
		if p.Sees(sv.RegionCode) {
			out = append(out, sv)
		}
	}
	return out, rows.Err()
}
