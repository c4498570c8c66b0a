package monitor

import (
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Store ingests agency batches, runs the rules and keeps the warnings, visits and campaigns.
type Store struct {
	DB       *db.DB
	Keys     *pii.Keyring
	Audit    *audit.Log
	Registry *registry.Store
	Cases    *assistance.Store
	Params   *paramdb.Store
	// Calendar counts working days for deadlines; nil means civil.DefaultCalendar().
	Calendar *civil.Calendar
	// City is the city's division code: where a warning about someone whose address the agency
	// did not give is routed, and the region whose parameters set the deadlines.
	City string
	// Spool is the folder where received files wait to be processed.
	Spool string
	// Now is the clock: deadlines, escalation and every timestamp.
	Now func() time.Time
}

func (s *Store) now() time.Time    { return s.Now().UTC() }
func (s *Store) stamp() string     { return db.FormatTime(s.now()) }
func (s *Store) today() civil.Date { return civil.Today(s.Now()) }

func (s *Store) cal() *civil.Calendar {
	if s.Calendar == nil {
		return civil.DefaultCalendar()
	}
	return s.Calendar
}

// Warning kinds: someone may need (more) assistance, someone covered may no longer qualify
// (疑似不符合), or someone not in the database may need assistance (主动发现).
const (
	KindNeed       = "need"
	KindIneligible = "ineligible"
	KindDiscovery  = "discovery"
)

// Warning states. A warning is open until the street assigns it, assigned until the visit is
// recorded, visited until the outcome is decided, and then closed.
const (
	StateOpen     = "open"
	StateAssigned = "assigned"
	StateVisited  = "visited"
	StateClosed   = "closed"
)

// Warning levels: the street verifies; an overdue warning is escalated to the district.
const (
	LevelStreet   = "street"
	LevelDistrict = "district"
)

// Outcomes of a verified warning (DOMAIN.md §9).
const (
	OutcomeAssist  = "assist"  // start or raise assistance: an application is opened
	OutcomeReview  = "review"  // review eligibility: a review of the entitlement is opened
	OutcomeStop    = "stop"    // stop or adjust: the entitlement is suspended pending review
	OutcomeDismiss = "dismiss" // nothing to do, with the reason
)

// Warning is one warning as the street and district see it.
type Warning struct {
	ID          int64
	Rule        string
	Kind        string
	SubjectHash string
	Period      string
	PersonID    int64 // 0 for someone not in the database
	HouseholdID int64
	RegionCode  string
	Tier        string
	BatchID     int64
	Summary     string
	// Evidence is the row's values the rule read and the registry's facts it compared them
	// with, by name, as text.
	Evidence    map[string]string
	State       string
	Level       string
	Assignee    string
	Due         civil.Date
	EscalatedAt string
	Outcome     string
	OutcomeNote string
	OutcomeRef  string
	VisitedAt   string
	ClosedAt    string
	Version     int
	CreatedAt   string
	UpdatedAt   string
}

// Overdue reports whether the warning is still open for action after its due date.
func (w *Warning) Overdue(today civil.Date) bool {
	return w.State != StateClosed && w.Due.Before(today)
}
