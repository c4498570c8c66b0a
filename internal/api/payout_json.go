package api

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/payout"
)

// rosterJSON is a roster as the API shows it; amounts are in fen.
type rosterJSON struct {
	ID          int64       `json:"id"`
	Month       civil.Month `json:"month"`
	Program     string      `json:"program"`
	District    string      `json:"district"`
	Status      string      `json:"status"`
	Lines       int         `json:"lines"`
	Households  int         `json:"households"`
	Persons     int         `json:"persons"`
	TotalFen    int64       `json:"total_fen"`
	GeneratedBy string      `json:"generated_by"`
	GeneratedAt *time.Time  `json:"generated_at,omitempty"`
	ApprovedBy  string      `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time  `json:"approved_at,omitempty"`
	LockedAt    *time.Time  `json:"locked_at,omitempty"`
	Version     int         `json:"version"`
}

func toRosterJSON(r *payout.Roster) rosterJSON {
	return rosterJSON{ID: r.ID, Month: r.Month, Program: r.Program, District: r.District, Status: r.Status, Lines: r.Lines,
		Households: r.Households, Persons: r.Persons, TotalFen: int64(r.Total), GeneratedBy: r.GeneratedBy,
		GeneratedAt: stamp(r.GeneratedAt), ApprovedBy: r.ApprovedBy, ApprovedAt: stamp(r.ApprovedAt), LockedAt: stamp(r.LockedAt),
		Version: r.Version}
}

// lineJSON is one payment of a roster; the account is masked.
type lineJSON struct {
	ID            int64       `json:"id"`
	EntitlementID int64       `json:"entitlement_id"`
	HouseholdID   int64       `json:"household_id"`
	RegionCode    string      `json:"region_code"`
	Kind          string      `json:"kind"`
	AmountFen     int64       `json:"amount_fen"`
	Persons       int         `json:"persons"`
	From          civil.Month `json:"from"`
	To            civil.Month `json:"to"`
	Reason        string      `json:"reason,omitempty"`
	AdjustmentID  int64       `json:"adjustment_id,omitempty"`
	PayeeName     string      `json:"payee_name"`
	Bank          string      `json:"bank"`
	AccountMasked string      `json:"account_masked"`
	Status        string      `json:"status"`
	Failure       string      `json:"failure,omitempty"`
}

func toLineJSON(l payout.Line) lineJSON {
	return lineJSON{ID: l.ID, EntitlementID: l.EntitlementID, HouseholdID: l.HouseholdID, RegionCode: l.RegionCode, Kind: l.Kind,
		AmountFen: int64(l.Amount), Persons: l.Persons, From: l.From, To: l.To, Reason: l.Reason, AdjustmentID: l.AdjustmentID,
		PayeeName: l.PayeeName, Bank: l.Bank, AccountMasked: l.AccountMasked, Status: l.Status, Failure: l.Failure}
}

// balanceJSON is one account of the trial balance.
type balanceJSON struct {
	Account    string `json:"account"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	DebitsFen  int64  `json:"debits_fen"`
	CreditsFen int64  `json:"credits_fen"`
	ClosingFen int64  `json:"closing_fen"`
}

// statJSON is what one program paid in one district in one month.
type statJSON struct {
	Month       civil.Month `json:"month"`
	Program     string      `json:"program"`
	District    string      `json:"district"`
	Households  int         `json:"households"`
	Persons     int         `json:"persons"`
	PersonTimes int         `json:"person_times"`
	AmountFen   int64       `json:"amount_fen"`
}

// payeeJSON is a household's payee with its account masked.
type payeeJSON struct {
	HouseholdID   int64  `json:"household_id"`
	Recorded      bool   `json:"recorded"`
	HolderName    string `json:"holder_name,omitempty"`
	Bank          string `json:"bank,omitempty"`
	AccountMasked string `json:"account_masked,omitempty"`
}
