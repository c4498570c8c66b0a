package assistance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Store reads and writes cases, decisions, entitlements and services.
type Store struct {
	DB       *db.DB
	Keys     *pii.Keyring
	Audit    *audit.Log
	Registry *registry.Store
	Params   *paramdb.Store
	// Calendar counts working days for deadlines; nil means civil.DefaultCalendar().
	Calendar *civil.Calendar
	// AgencyCheck consults other agencies' data during the household check; nil until the
	// monitoring module provides it.
	AgencyCheck AgencyCheck
	// ChainSources add other modules' entries (payments, warnings) to a household's chain.
	ChainSources []ChainSource
	// Now is the clock: every deadline, notice period and month comes from it.
	Now func() time.Time
}

func (s *Store) now() time.Time    { return s.Now().UTC() }
func (s *Store) today() civil.Date { return civil.Today(s.Now()) }
func (s *Store) stamp() string     { return db.FormatTime(s.now()) }
func (s *Store) cal() *civil.Calendar {
	if s.Calendar == nil {
		return civil.DefaultCalendar()
	}
	return s.Calendar
}

func (s *Store) params(ctx context.Context) (*policy.Set, error) { return s.Params.Load(ctx) }

const appColumns = `id, kind, program, subtype, region_code, COALESCE(household_id, 0), COALESCE(entitlement_id, 0),
	COALESCE(appeal_of, 0), channel, COALESCE(citizen_id, 0), applicant_name, applicant_id_masked, phone_masked, agent_name,
	address, hukou, reason, details, status, current_step, accepted_on, case_due, extended, extension_reason, version,
	created_by, created_at, updated_at, closed_at`

func scanApplication(row interface{ Scan(...any) error }) (*Application, error) {
	var a Application
	var details, accepted, due, created, updated, closed string
	if err := row.Scan(&a.ID, &a.Kind, &a.Program, &a.Subtype, &a.RegionCode, &a.HouseholdID, &a.EntitlementID, &a.AppealOf,
		&a.Channel, &a.CitizenID, &a.ApplicantName, &a.IDMasked, &a.PhoneMasked, &a.AgentName, &a.Address, &a.Hukou, &a.Reason,
		&details, &a.Status, &a.CurrentStep, &accepted, &due, &a.Extended, &a.ExtensionNote, &a.Version, &a.CreatedBy,
		&created, &updated, &closed); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(details), &a.Details); err != nil {
		return nil, err
	}
	a.AcceptedOn, _ = civil.ParseDate(accepted)
	a.CaseDue, _ = civil.ParseDate(due)
	a.CreatedAt, _ = db.ParseTime(created)
	a.UpdatedAt, _ = db.ParseTime(updated)
	a.ClosedAt, _ = db.ParseTime(closed)
	return &a, nil
}

// load reads application id if it is within p's scope; anything else is NotFound.
func (s *Store) load(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Application, error) {
	a, err := scanApplication(q.QueryRow(ctx, `SELECT `+appColumns+` FROM applications WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(a.RegionCode)) {
		return nil, apperr.Msg(apperr.NotFound, "case.notfound")
	}
	return a, err
}

const stepColumns = `id, step, level, status, opened_at, due_on, done_at, done_by, done_role, outcome, note, data`

func scanStep(row interface{ Scan(...any) error }) (Step, error) {
	var st Step
	var level, opened, due, done, data string
	if err := row.Scan(&st.ID, &st.Step, &level, &st.Status, &opened, &due, &done, &st.DoneBy, &st.DoneRole, &st.Outcome,
		&st.Note, &data); err != nil {
		return st, err
	}
	st.Level = Level(level)
	st.OpenedAt, _ = db.ParseTime(opened)
	st.DueOn, _ = civil.ParseDate(due)
	st.DoneAt, _ = db.ParseTime(done)
	return st, json.Unmarshal([]byte(data), &st.Data)
}

func (s *Store) steps(ctx context.Context, q db.Querier, appID int64) ([]Step, error) {
	rows, err := q.Query(ctx, `SELECT `+stepColumns+` FROM case_steps WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// openStep returns the open step of a case, if any.
func openStep(steps []Step) (Step, bool) {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Status == "open" {
			return steps[i], true
		}
	}
	return Step{}, false
}

// lastDone returns the data of the latest completed step key.
func lastDone(steps []Step, key string) (Step, bool) {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Step == key && steps[i].Status == "done" {
			return steps[i], true
		}
	}
	return Step{}, false
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// event is the audit record of an act on a case.
func event(p *auth.Principal, action string, a *Application, ip string, detail map[string]any) audit.Event {
	e := audit.Event{Action: action, TargetType: "application", TargetID: itoa(a.ID), RegionCode: a.RegionCode, IP: ip, Detail: detail}
	if p != nil {
		e.ActorID, e.Actor, e.Role = p.UserID, p.Login, string(p.Role)
	}
	return e
}
