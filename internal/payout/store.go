package payout

import (
	"context"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Store generates, approves and reconciles rosters and keeps the ledger.
type Store struct {
	DB       *db.DB
	Keys     *pii.Keyring
	Audit    *audit.Log
	Cases    *assistance.Store
	Registry *registry.Store
	Params   *paramdb.Store
	// Now is the clock: the month a roster may be generated for and every timestamp.
	Now func() time.Time
}

func (s *Store) now() time.Time    { return s.Now().UTC() }
func (s *Store) stamp() string     { return db.FormatTime(s.now()) }
func (s *Store) today() civil.Date { return civil.Today(s.Now()) }

// Roster statuses.
const (
	Draft    = "draft"
	Approved = "approved"
	Locked   = "locked"
)

// Line kinds.
const (
	Regular  = "regular"
	OneOff   = "one_off"
	Arrears  = "arrears"
	Recovery = "recovery"
	Reissue  = "reissue"
)

// Roster is one month's payments of one program in one district.
type Roster struct {
	ID          int64
	Month       civil.Month
	Program     string
	District    string
	Status      string
	Lines       int
	Households  int
	Persons     int
	Total       money.Fen
	GeneratedBy string
	GeneratedAt time.Time
	ApprovedBy  string
	ApprovedAt  time.Time
	LockedAt    time.Time
	Version     int
}

// Line is one payment of a roster to one household for one entitlement.
type Line struct {
	ID            int64
	RosterID      int64
	EntitlementID int64
	HouseholdID   int64
	RegionCode    string
	Kind          string
	Amount        money.Fen
	Persons       int
	From, To      civil.Month
	Reason        string
	AdjustmentID  int64
	PayeeName     string
	Bank          string
	AccountMasked string
	Status        string
	Failure       string
}

// Programs lists the programs that pay money (recognitions such as 低保边缘 pay nothing).
func Programs() []string {
	return []string{"dibao", "tekun", "temporary", "orphan", "de_facto_orphan", "vulnerable_child", "disability_living", "disability_care", PriceSubsidy}
}

func (s *Store) params(ctx context.Context) (*policy.Set, error) { return s.Params.Load(ctx) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func moneyText(fen int64) string { return money.Fen(fen).String() }
