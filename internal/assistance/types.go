package assistance

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// The statuses of an application.
const (
	StatusSubmitted   = "submitted"    // online, waiting for the street to accept it
	StatusOpen        = "open"         // accepted, in its workflow
	StatusDecided     = "decided"      // a decision has been issued
	StatusNotAccepted = "not_accepted" // 不予受理
	StatusWithdrawn   = "withdrawn"
)

// Application is a case: an application for a program, a review of an entitlement, or an appeal
// against a decision. Identifiers are masked; the sealed originals stay in the store.
type Application struct {
	ID            int64
	Kind          string
	Program       string
	Subtype       string // emergency or expense for 临时救助
	RegionCode    string // the handling street
	HouseholdID   int64  // 0 until the street links the household at acceptance
	EntitlementID int64  // the entitlement a review concerns
	AppealOf      int64  // the decision an appeal is against
	Channel       string // window, online, system
	CitizenID     int64
	ApplicantName string
	IDMasked      string
	PhoneMasked   string
	AgentName     string
	Address       string
	Hukou         string
	Reason        string
	Details       Details
	Status        string
	CurrentStep   string
	AcceptedOn    civil.Date
	CaseDue       civil.Date
	Extended      bool
	ExtensionNote string
	Version       int
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      time.Time
}

// Details are the program-specific facts of an application, as the calculator needs them.
type Details struct {
	// Severity (1–3) of a 急难型 emergency, and the spending or requested amount of 临时救助.
	Severity  int       `json:"severity,omitempty"`
	Expense   money.Fen `json:"expense_fen,omitempty"`
	Requested money.Fen `json:"requested_fen,omitempty"`
	// ChildPersonID is the child of a children's allowance; Institutional says raised in an
	// institution.
	ChildPersonID int64 `json:"child_person_id,omitempty"`
	Institutional bool  `json:"institutional,omitempty"`
	// Expenditure asks for the 支出型 route of 低保.
	Expenditure bool `json:"expenditure,omitempty"`
	// ReviewReason is why a review was opened: scheduled, change, death.
	ReviewReason string `json:"review_reason,omitempty"`
}

// Step is one step of a case as it happened (or is happening).
type Step struct {
	ID       int64
	Step     string
	Level    Level // street or district once opened (by_amount is resolved then)
	Status   string
	OpenedAt time.Time
	DueOn    civil.Date
	DoneAt   time.Time
	DoneBy   string
	DoneRole string
	Outcome  string
	Note     string
	Data     StepData
}

// Overdue reports whether the step is open past its due date on day today.
func (s Step) Overdue(today civil.Date) bool {
	return s.Status == "open" && !s.DueOn.IsZero() && s.DueOn.Before(today)
}

// StepData is what a step recorded; only the part of its step is set.
type StepData struct {
	HouseholdID int64        `json:"household_id,omitempty"`
	Check       *CheckReport `json:"check,omitempty"`
	Visit       *Visit       `json:"visit,omitempty"`
	Meeting     *Meeting     `json:"meeting,omitempty"`
	Notice      *Notice      `json:"notice,omitempty"`
	Council     *Council     `json:"council,omitempty"`
	Amount      money.Fen    `json:"amount_fen,omitempty"`
	DecisionID  int64        `json:"decision_id,omitempty"`
}

// CheckReport is the result of 家庭经济状况核对: what was checked, against which sources, and
// what the calculator made of it.
type CheckReport struct {
	On            civil.Date  `json:"on"`
	Eligible      bool        `json:"eligible"`
	MonthlyAmount money.Fen   `json:"monthly_amount_fen"`
	OneOff        money.Fen   `json:"one_off_fen"`
	PerCapita     money.Fen   `json:"per_capita_income_fen"`
	Standard      money.Fen   `json:"standard_fen"`
	Escalation    bool        `json:"escalation"`
	Reasons       []string    `json:"reasons"`
	Steps         []string    `json:"steps"`
	Items         []CheckItem `json:"items"`
}

// CheckItem is one source consulted by the check and what it said.
type CheckItem struct {
	Source string `json:"source"`
	Result string `json:"result"`
	OK     bool   `json:"ok"`
}

// Visit is the record of 入户调查 by two investigators.
type Visit struct {
	Investigators []string   `json:"investigators"`
	VisitedOn     civil.Date `json:"visited_on"`
	Living        string     `json:"living"`
	Findings      string     `json:"findings"`
	NeedsMeeting  bool       `json:"needs_meeting"`
}

// Meeting is the record of 民主评议.
type Meeting struct {
	HeldOn    civil.Date `json:"held_on"`
	Attendees int        `json:"attendees"`
	For       int        `json:"for"`
	Against   int        `json:"against"`
	Record    string     `json:"record"`
}

// Notice is the period of a public notice (公示), both days included.
type Notice struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// Running reports whether the notice is posted on day: from its first to its last day.
func (n Notice) Running(day civil.Date) bool { return !day.Before(n.From) && !day.After(n.To) }

// Council is the record of 一事一议: the district meeting that decides an amount above the cap.
type Council struct {
	HeldOn    civil.Date `json:"held_on"`
	Attendees string     `json:"attendees"`
	Record    string     `json:"record"`
	Amount    money.Fen  `json:"amount_fen"`
}

// Objection is an objection filed against a case during its public notice.
type Objection struct {
	ID            int64
	ApplicationID int64
	FiledAt       time.Time
	Filer         string
	Content       string
	Status        string // open, upheld, dismissed
	ResolvedBy    string
	ResolvedAt    time.Time
	Resolution    string
}

// Decision is an issued decision notice. It is never changed; a correction is a new decision
// whose Corrects names this one.
type Decision struct {
	ID            int64
	DocNo         string
	ApplicationID int64
	HouseholdID   int64
	EntitlementID int64
	RegionCode    string
	Program       string
	Kind          string
	Amount        money.Fen
	OneOff        bool
	EffectiveOn   civil.Date
	Reasons       string
	Explanation   string
	Corrects      int64
	IssuedBy      string
	IssuedRole    string
	IssuedAt      time.Time
}

// Approving reports whether the decision grants or keeps assistance (决定通知书) rather than
// refusing or ending it (不予批准通知书 / 终止通知书).
func (d Decision) Approving() bool {
	switch d.Kind {
	case DecisionApprove, DecisionAdvance, DecisionKeep, DecisionChange, DecisionTaper, DecisionResume, DecisionOverturn:
		return true
	}
	return false
}

// The kinds of decision.
const (
	DecisionApprove     = "approve"
	DecisionReject      = "reject"
	DecisionNotAccepted = "not_accepted"
	DecisionAdvance     = "advance" // 先行救助
	DecisionKeep        = "keep"    // review: unchanged
	DecisionChange      = "change"  // review: new amount
	DecisionTaper       = "taper"   // review: 渐退期
	DecisionTerminate   = "terminate"
	DecisionSuspend     = "suspend"
	DecisionResume      = "resume"
	DecisionUphold      = "uphold"   // appeal: the original stands
	DecisionOverturn    = "overturn" // appeal: the original is corrected
)

// The statuses of an entitlement.
const (
	EntActive    = "active"
	EntSuspended = "suspended"
	EntTapering  = "tapering"
	EntEnded     = "ended"
)

// Entitlement is a household's right to a program's payments, created by a decision.
type Entitlement struct {
	ID           int64
	HouseholdID  int64
	RegionCode   string
	Program      string
	Status       string
	Monthly      money.Fen
	OneOff       money.Fen
	StartMonth   civil.Month
	EndMonth     civil.Month // zero while open-ended
	NextReview   civil.Date
	ReviewMonths int
	Calculation  string // the calculator's explanation when granted or last changed
	DecisionID   int64
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Service is a service delivered to a household beside its cash assistance (物质+服务).
type Service struct {
	ID          int64
	HouseholdID int64
	RegionCode  string
	Kind        string // psychological, care, resource_linkage, other
	Provider    string
	ServedOn    civil.Date
	Note        string
	RecordedBy  string
	RecordedAt  time.Time
}

// ServiceKinds lists the kinds of service in display order.
func ServiceKinds() []string { return []string{"psychological", "care", "resource_linkage", "other"} }

// Document is an uploaded file of an application (ID card, disability certificate, bills).
type Document struct {
	ID            int64
	ApplicationID int64
	Kind          string
	Filename      string
	ContentType   string
	Size          int64
	SHA256        string
	UploadedBy    string
	UploadedAt    time.Time
}

// DocumentKinds lists the kinds of document in display order.
func DocumentKinds() []string {
	return []string{"id_card", "hukou_book", "disability_cert", "medical_bill", "income_proof", "meeting_record", "other"}
}
