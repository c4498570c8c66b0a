package api

import (
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// JSON shapes of the social-assistance platform. Money is integer fen in fields ending _fen, dates
// are yyyy-mm-dd (months yyyy-mm), instants RFC 3339 and absent until they happened; the
// applicant's ID number and phone are masked, as on the case page.

// stamp is an instant for JSON: nil (left out) while it has not happened.
func stamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// dbStamp is stamp for a time the store hands over as its database text.
func dbStamp(s string) *time.Time {
	t, err := db.ParseTime(s)
	if err != nil {
		return nil
	}
	return stamp(t)
}

type applicationJSON struct {
	ID              int64              `json:"id"`
	Kind            string             `json:"kind"`
	Program         string             `json:"program"`
	Subtype         string             `json:"subtype,omitempty"`
	RegionCode      string             `json:"region_code"`
	HouseholdID     int64              `json:"household_id,omitempty"`
	EntitlementID   int64              `json:"entitlement_id,omitempty"`
	AppealOf        int64              `json:"appeal_of,omitempty"`
	Channel         string             `json:"channel"`
	ApplicantName   string             `json:"applicant_name"`
	IDMasked        string             `json:"id_masked"`
	PhoneMasked     string             `json:"phone_masked,omitempty"`
	AgentName       string             `json:"agent_name,omitempty"`
	Address         string             `json:"address"`
	Hukou           string             `json:"hukou"`
	Reason          string             `json:"reason"`
	Details         assistance.Details `json:"details"`
	Status          string             `json:"status"`
	CurrentStep     string             `json:"current_step"`
	AcceptedOn      civil.Date         `json:"accepted_on"`
	CaseDue         civil.Date         `json:"case_due"`
	Extended        bool               `json:"extended"`
	ExtensionReason string             `json:"extension_reason,omitempty"`
	Version         int                `json:"version"`
	CreatedBy       string             `json:"created_by"`
	CreatedAt       *time.Time         `json:"created_at,omitempty"`
	UpdatedAt       *time.Time         `json:"updated_at,omitempty"`
	ClosedAt        *time.Time         `json:"closed_at,omitempty"`
}

func toApplicationJSON(a *assistance.Application) applicationJSON {
	return applicationJSON{ID: a.ID, Kind: a.Kind, Program: a.Program, Subtype: a.Subtype, RegionCode: a.RegionCode,
		HouseholdID: a.HouseholdID, EntitlementID: a.EntitlementID, AppealOf: a.AppealOf, Channel: a.Channel,
		ApplicantName: a.ApplicantName, IDMasked: a.IDMasked, PhoneMasked: a.PhoneMasked, AgentName: a.AgentName,
		Address: a.Address, Hukou: a.Hukou, Reason: a.Reason, Details: a.Details, Status: a.Status, CurrentStep: a.CurrentStep,
		AcceptedOn: a.AcceptedOn, CaseDue: a.CaseDue, Extended: a.Extended, ExtensionReason: a.ExtensionNote,
		Version: a.Version, CreatedBy: a.CreatedBy, CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt),
		ClosedAt: stamp(a.ClosedAt)}
}

type stepJSON struct {
	ID       int64               `json:"id"`
	Step     string              `json:"step"`
	Level    string              `json:"level"`
	Status   string              `json:"status"`
	OpenedAt *time.Time          `json:"opened_at,omitempty"`
	DueOn    civil.Date          `json:"due_on"`
	Overdue  bool                `json:"overdue"`
	DoneAt   *time.Time          `json:"done_at,omitempty"`
	DoneBy   string              `json:"done_by,omitempty"`
	DoneRole string              `json:"done_role,omitempty"`
	Outcome  string              `json:"outcome,omitempty"`
	Note     string              `json:"note,omitempty"`
	Data     assistance.StepData `json:"data"`
}

func toStepJSON(s assistance.Step, today civil.Date) stepJSON {
	return stepJSON{ID: s.ID, Step: s.Step, Level: string(s.Level), Status: s.Status, OpenedAt: stamp(s.OpenedAt), DueOn: s.DueOn,
		Overdue: s.Overdue(today), DoneAt: stamp(s.DoneAt), DoneBy: s.DoneBy, DoneRole: s.DoneRole, Outcome: s.Outcome,
		Note: s.Note, Data: s.Data}
}

type objectionJSON struct {
	ID         int64      `json:"id"`
	FiledAt    *time.Time `json:"filed_at,omitempty"`
	Filer      string     `json:"filer,omitempty"`
	Content    string     `json:"content"`
	Status     string     `json:"status"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution,omitempty"`
}

type caseDecisionJSON struct {
	ID            int64      `json:"id"`
	DocNo         string     `json:"doc_no"`
	ApplicationID int64      `json:"application_id,omitempty"`
	HouseholdID   int64      `json:"household_id,omitempty"`
	EntitlementID int64      `json:"entitlement_id,omitempty"`
	RegionCode    string     `json:"region_code"`
	Program       string     `json:"program"`
	Kind          string     `json:"kind"`
	Approving     bool       `json:"approving"`
	AmountFen     int64      `json:"amount_fen"`
	OneOff        bool       `json:"one_off"`
	EffectiveOn   civil.Date `json:"effective_on"`
	Reasons       string     `json:"reasons"`
	Explanation   string     `json:"explanation"`
	Corrects      int64      `json:"corrects,omitempty"`
	IssuedBy      string     `json:"issued_by"`
	IssuedRole    string     `json:"issued_role"`
	IssuedAt      *time.Time `json:"issued_at,omitempty"`
	// GrantedEntitlementID is the entitlement the decision created, on GET /decisions/{id}.
	GrantedEntitlementID int64 `json:"granted_entitlement_id,omitempty"`
}

func toCaseDecisionJSON(d assistance.Decision) caseDecisionJSON {
	return caseDecisionJSON{ID: d.ID, DocNo: d.DocNo, ApplicationID: d.ApplicationID, HouseholdID: d.HouseholdID,
		EntitlementID: d.EntitlementID, RegionCode: d.RegionCode, Program: d.Program, Kind: d.Kind, Approving: d.Approving(),
		AmountFen: int64(d.Amount), OneOff: d.OneOff, EffectiveOn: d.EffectiveOn, Reasons: d.Reasons, Explanation: d.Explanation,
		Corrects: d.Corrects, IssuedBy: d.IssuedBy, IssuedRole: d.IssuedRole, IssuedAt: stamp(d.IssuedAt)}
}

type documentJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Filename    string     `json:"filename"`
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	UploadedBy  string     `json:"uploaded_by"`
	UploadedAt  *time.Time `json:"uploaded_at,omitempty"`
}

func toDocumentJSON(d assistance.Document) documentJSON {
	return documentJSON{ID: d.ID, Kind: d.Kind, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256,
		UploadedBy: d.UploadedBy, UploadedAt: stamp(d.UploadedAt)}
}

// caseJSON is a whole case: the application, its workflow, every step so far, and what belongs
// to it. Current is the open step; can_act says whether the caller may perform it.
type caseJSON struct {
	applicationJSON
	Workflow   *assistance.Workflow `json:"workflow"`
	Steps      []stepJSON           `json:"steps"`
	Objections []objectionJSON      `json:"objections"`
	Decisions  []caseDecisionJSON   `json:"decisions"`
	Documents  []documentJSON       `json:"documents"`
	Current    *stepJSON            `json:"current"`
	CanAct     bool                 `json:"can_act"`
}

func toCaseJSON(c *assistance.Case, today civil.Date) caseJSON {
	out := caseJSON{applicationJSON: toApplicationJSON(c.Application), Workflow: c.Workflow, Steps: []stepJSON{},
		Objections: []objectionJSON{}, Decisions: []caseDecisionJSON{}, Documents: []documentJSON{}, CanAct: c.CanAct}
	for _, s := range c.Steps {
		out.Steps = append(out.Steps, toStepJSON(s, today))
	}
	for _, o := range c.Objections {
		out.Objections = append(out.Objections, objectionJSON{ID: o.ID, FiledAt: stamp(o.FiledAt), Filer: o.Filer, Content: o.Content,
			Status: o.Status, ResolvedBy: o.ResolvedBy, ResolvedAt: stamp(o.ResolvedAt), Resolution: o.Resolution})
	}
	for _, d := range c.Decisions {
		out.Decisions = append(out.Decisions, toCaseDecisionJSON(d))
	}
	for _, d := range c.Documents {
		out.Documents = append(out.Documents, toDocumentJSON(d))
	}
	if c.Current != nil {
		cur := toStepJSON(*c.Current, today)
		out.Current = &cur
	}
	return out
}

// taskJSON is one row of a work queue: an open step of a case.
type taskJSON struct {
	ApplicationID int64      `json:"application_id"`
	Kind          string     `json:"kind"`
	Program       string     `json:"program"`
	Subtype       string     `json:"subtype,omitempty"`
	RegionCode    string     `json:"region_code"`
	ApplicantName string     `json:"applicant_name"`
	Step          string     `json:"step"`
	Level         string     `json:"level"`
	DueOn         civil.Date `json:"due_on"`
	Overdue       bool       `json:"overdue"`
	Version       int        `json:"version"`
	RaisedAt      *time.Time `json:"raised_at,omitempty"` // reminders only
}

func toTaskJSON(t assistance.Task) taskJSON {
	return taskJSON{ApplicationID: t.ApplicationID, Kind: t.Kind, Program: t.Program, Subtype: t.Subtype, RegionCode: t.RegionCode,
		ApplicantName: t.ApplicantName, Step: t.Step, Level: string(t.Level), DueOn: t.DueOn, Overdue: t.Overdue, Version: t.Version}
}

type entitlementChangeJSON struct {
	At         *time.Time `json:"at,omitempty"`
	Actor      string     `json:"actor"`
	Field      string     `json:"field"`
	Old        string     `json:"old"`
	New        string     `json:"new"`
	DecisionID int64      `json:"decision_id,omitempty"`
}

type entitlementJSON struct {
	ID           int64                   `json:"id"`
	HouseholdID  int64                   `json:"household_id"`
	RegionCode   string                  `json:"region_code"`
	Program      string                  `json:"program"`
	Status       string                  `json:"status"`
	MonthlyFen   int64                   `json:"monthly_fen"`
	OneOffFen    int64                   `json:"one_off_fen"`
	StartMonth   civil.Month             `json:"start_month"`
	EndMonth     civil.Month             `json:"end_month"`
	NextReview   civil.Date              `json:"next_review"`
	ReviewMonths int                     `json:"review_months"`
	Calculation  string                  `json:"calculation"`
	DecisionID   int64                   `json:"decision_id"`
	Version      int                     `json:"version"`
	CreatedAt    *time.Time              `json:"created_at,omitempty"`
	UpdatedAt    *time.Time              `json:"updated_at,omitempty"`
	History      []entitlementChangeJSON `json:"history,omitempty"`
}

func toEntitlementJSON(e *assistance.Entitlement) entitlementJSON {
	return entitlementJSON{ID: e.ID, HouseholdID: e.HouseholdID, RegionCode: e.RegionCode, Program: e.Program, Status: e.Status,
		MonthlyFen: int64(e.Monthly), OneOffFen: int64(e.OneOff), StartMonth: e.StartMonth, EndMonth: e.EndMonth,
		NextReview: e.NextReview, ReviewMonths: e.ReviewMonths, Calculation: e.Calculation, DecisionID: e.DecisionID,
		Version: e.Version, CreatedAt: stamp(e.CreatedAt), UpdatedAt: stamp(e.UpdatedAt)}
}

type serviceJSON struct {
	ID          int64      `json:"id"`
	HouseholdID int64      `json:"household_id"`
	RegionCode  string     `json:"region_code"`
	Kind        string     `json:"kind"`
	Provider    string     `json:"provider"`
	ServedOn    civil.Date `json:"served_on"`
	Note        string     `json:"note,omitempty"`
	RecordedBy  string     `json:"recorded_by"`
	RecordedAt  *time.Time `json:"recorded_at,omitempty"`
}

func toServiceJSON(s assistance.Service) serviceJSON {
	return serviceJSON{ID: s.ID, HouseholdID: s.HouseholdID, RegionCode: s.RegionCode, Kind: s.Kind, Provider: s.Provider,
		ServedOn: s.ServedOn, Note: s.Note, RecordedBy: s.RecordedBy, RecordedAt: stamp(s.RecordedAt)}
}
