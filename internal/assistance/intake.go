package assistance

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// Intake is an application as the window officer or the applicant enters it.
type Intake struct {
	Program    string
	Subtype    string // emergency or expense, for temporary
	RegionCode string // the street that handles it (where the family lives, or where an emergency happened)
	// HouseholdID links the household of the registry; at the window, 0 means look it up by the
	// applicant's ID number.
	HouseholdID int64
	// ApplicantPersonID names a registered person as the applicant (window intake only): name,
	// ID number and phone come from the registry, sealed, and need not be typed or revealed.
	ApplicantPersonID int64
	ApplicantName     string
	IDNumber          string
	Phone             string
	AgentName         string // 代办人, when someone applies for the family
	Address           string
	Hukou             string
	Reason            string
	Details           Details
}

// Applicant says who is submitting: an officer at the window, or a citizen online.
type Applicant struct {
	Officer   *auth.Principal
	CitizenID int64
	IP        string
}

// Submit records an application. At the window the officer accepts it on the spot when the
// household is in the registry (linked, or found by the applicant's ID number); otherwise, and
// always online, it waits for the street to accept it within the deadline. An applicant with an
// open application for the same program gets a conflict, not a second case.
func (s *Store) Submit(ctx context.Context, by Applicant, in Intake) (*Application, error) {
	channel, createdBy := "online", "citizen"
	if by.Officer != nil {
		channel, createdBy = "window", by.Officer.Login
		if by.Officer.Role != auth.StreetOfficer {
			return nil, apperr.Msg(apperr.Forbidden, "case.intake_forbidden")
		}
	} else if in.ApplicantPersonID != 0 {
		return nil, apperr.FieldMsg("applicant_person_id", "case.intake_forbidden")
	}
	if err := s.validateIntake(ctx, in); err != nil {
		return nil, err
	}
	who, err := s.applicant(ctx, by.Officer, &in)
	if err != nil {
		return nil, err
	}
	if by.Officer != nil && !by.Officer.Sees(in.RegionCode) {
		return nil, apperr.FieldMsg("region_code", "case.region_outside")
	}
	if by.Officer != nil && in.HouseholdID == 0 {
		number, err := s.Keys.Open(who.IDSealed, registryIDField)
		if err != nil {
			return nil, err
		}
		lookup := registryScope(by.Officer, &Application{Program: in.Program, Subtype: in.Subtype})
		if in.HouseholdID, err = s.householdOf(ctx, lookup, number); err != nil {
			return nil, err
		}
	}
	idSealed, idHash, idMasked, phoneSealed, phoneMasked := who.IDSealed, who.IDHash, who.IDMasked, who.PhoneSealed, who.PhoneMasked
	var a *Application
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE applicant_id_hash = ? AND program = ?
			AND status IN ('submitted', 'open')`, idHash, in.Program).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return apperr.FieldMsg("program", "case.duplicate_open")
		}
		now := s.stamp()
		var appID int64
		if err := tx.QueryRow(ctx, `INSERT INTO applications (kind, program, subtype, region_code, channel, citizen_id,
			applicant_name, applicant_id_sealed, applicant_id_hash, applicant_id_masked, phone_sealed, phone_masked, agent_name,
			address, hukou, reason, details, status, created_by, created_at, updated_at)
			VALUES ('apply', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?) RETURNING id`,
			in.Program, in.Subtype, in.RegionCode, channel, nullID(by.CitizenID), in.ApplicantName, idSealed, idHash, idMasked,
			phoneSealed, phoneMasked, in.AgentName, in.Address, in.Hukou, in.Reason, mustJSON(in.Details), createdBy, now, now,
		).Scan(&appID); err != nil {
			if db.IsUniqueViolation(err) { // another submission of the same case won the race
				return apperr.FieldMsg("program", "case.duplicate_open")
			}
			return err
		}
		var err error
		if a, err = s.load(ctx, tx, auth.System(), appID); err != nil {
			return err
		}
		c, err := s.begin(ctx, tx, auth.System(), a, a.Version)
		if err != nil {
			return err
		}
		if err := c.open(ctx, c.wf.Steps[0]); err != nil {
			return err
		}
		if err := c.commit(ctx); err != nil {
			return err
		}
		if by.Officer != nil && in.HouseholdID != 0 {
			if err := c.accept(ctx, by.Officer, in.HouseholdID); err != nil {
				return err
			}
			c.version = c.a.Version
			if err := c.commit(ctx); err != nil {
				return err
			}
		}
		_, err = s.Audit.Append(ctx, tx, event(by.Officer, "case.submit", c.a, by.IP, map[string]any{"program": in.Program, "channel": channel}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, auth.System(), a.ID)
}

// householdOf finds the household of the registry the applicant belongs to, within the
// officer's scope; 0 when there is none yet.
func (s *Store) householdOf(ctx context.Context, p *auth.Principal, idNumber string) (int64, error) {
	return s.Registry.HouseholdOfID(ctx, p, idNumber)
}

// applicant resolves who applies: a registered person named by ApplicantPersonID (the officer's
// scope; the ID number is copied sealed, never revealed), or the name, ID number and phone typed
// in. It fills in the intake's name and household from the registry in the first case.
func (s *Store) applicant(ctx context.Context, officer *auth.Principal, in *Intake) (registry.Identity, error) {
	if in.ApplicantPersonID != 0 {
		who, err := s.Registry.IdentityOf(ctx, officer, in.ApplicantPersonID)
		if err != nil {
			return who, apperr.FieldMsg("applicant_person_id", "case.applicant_notfound")
		}
		if in.HouseholdID != 0 && in.HouseholdID != who.HouseholdID {
			return who, apperr.FieldMsg("applicant_person_id", "case.applicant_not_member")
		}
		in.ApplicantName, in.HouseholdID = who.Name, who.HouseholdID
		return who, nil
	}
	in.ApplicantName = strings.TrimSpace(in.ApplicantName)
	if in.ApplicantName == "" || utf8.RuneCountInString(in.ApplicantName) > 50 {
		return registry.Identity{}, apperr.FieldMsg("applicant_name", "case.bad_name")
	}
	id, err := idcard.Parse(in.IDNumber)
	if err != nil {
		return registry.Identity{}, apperr.FieldMsg("id_number", "case.bad_id")
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		return registry.Identity{}, apperr.FieldMsg("phone", "case.bad_phone")
	}
	who := registry.Identity{Name: in.ApplicantName, IDHash: s.Keys.Hash(pii.IDNumber, string(id)), IDMasked: id.Mask()}
	if who.IDSealed, err = s.Keys.Seal(string(id), registryIDField); err != nil {
		return who, err
	}
	if in.Phone != "" {
		if who.PhoneSealed, err = s.Keys.Seal(in.Phone, registryPhoneField); err != nil {
			return who, err
		}
		who.PhoneMasked = pii.MaskPhone(in.Phone)
	}
	return who, nil
}

// validateIntake checks the rest of an intake field by field.
func (s *Store) validateIntake(ctx context.Context, in Intake) error {
	if !slices.Contains(Programs(), in.Program) {
		return apperr.FieldMsg("program", "case.bad_program")
	}
	if in.Program == "temporary" {
		if in.Subtype != "emergency" && in.Subtype != "expense" {
			return apperr.FieldMsg("subtype", "case.bad_subtype")
		}
		if in.Subtype == "emergency" && (in.Details.Severity < 1 || in.Details.Severity > 3) {
			return apperr.FieldMsg("severity", "case.bad_severity")
		}
		if in.Details.Expense < 0 || in.Details.Requested < 0 || in.Details.Expense > maxAmount || in.Details.Requested > maxAmount {
			return apperr.FieldMsg("expense", "case.bad_amount")
		}
	} else if in.Subtype != "" {
		return apperr.FieldMsg("subtype", "case.bad_subtype")
	}
	if len(in.RegionCode) != 9 || region.ValidCode(in.RegionCode) != nil {
		return apperr.FieldMsg("region_code", "case.bad_street")
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, in.RegionCode).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.FieldMsg("region_code", "case.bad_street")
	}
	if in.Hukou != "urban" && in.Hukou != "rural" {
		return apperr.FieldMsg("hukou", "case.bad_hukou")
	}
	if strings.TrimSpace(in.Reason) == "" || utf8.RuneCountInString(in.Reason) > 2000 {
		return apperr.FieldMsg("reason", "case.bad_reason")
	}
	if utf8.RuneCountInString(in.Address) > 200 || utf8.RuneCountInString(in.AgentName) > 50 {
		return apperr.FieldMsg("address", "case.too_long")
	}
	return nil
}

// validPhone accepts a mainland mobile number (11 digits, 1[3-9]…).
func validPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// The AEAD field names of the applicant's sealed identifiers: the registry's, so that an
// applicant's ID number can be copied sealed from the registry and key rotation treats them alike.
const (
	registryIDField    = registry.IDField
	registryPhoneField = registry.PhoneField
)

// SealedColumns lists the encrypted columns this package owns, for key rotation.
func SealedColumns() []pii.Column {
	return []pii.Column{
		{Table: "applications", Key: "id", Sealed: "applicant_id_sealed", Field: registryIDField},
		{Table: "applications", Key: "id", Sealed: "phone_sealed", Field: registryPhoneField},
	}
}
