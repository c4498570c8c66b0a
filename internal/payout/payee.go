package payout

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// AccountField is the AEAD field name of a payee's sealed bank account.
const AccountField = "payees.account"

// SealedColumns lists the encrypted columns this package owns, for key rotation.
func SealedColumns() []pii.Column {
	return []pii.Column{
		{Table: "payees", Key: "household_id", Sealed: "account_sealed", Field: AccountField},
		{Table: "roster_lines", Key: "id", Sealed: "account_sealed", Field: AccountField},
	}
}

// Payee is where a household's assistance is paid.
type Payee struct {
	HouseholdID   int64
	HolderName    string
	Bank          string
	AccountMasked string
}

// SetPayee records the bank account household hid is paid into; the account is sealed, with a
// keyed hash and a masked form. Whoever may edit the household in the registry sets it.
func (s *Store) SetPayee(ctx context.Context, p *auth.Principal, hid int64, holder, bank, account, ip string) error {
	h, err := s.Registry.Get(ctx, p, hid)
	if err != nil {
		return err
	}
	if !p.Can(auth.HouseholdEdit) {
		return apperr.Msg(apperr.Forbidden, "payout.forbidden")
	}
	holder, bank = strings.TrimSpace(holder), strings.TrimSpace(bank)
	account = strings.ReplaceAll(strings.TrimSpace(account), " ", "")
	switch {
	case holder == "" || utf8.RuneCountInString(holder) > 50:
		return apperr.FieldMsg("holder_name", "payout.bad_holder")
	case bank == "" || utf8.RuneCountInString(bank) > 50:
		return apperr.FieldMsg("bank", "payout.bad_bank")
	case !validAccount(account):
		return apperr.FieldMsg("account", "payout.bad_account")
	}
	sealed, err := s.Keys.Seal(account, AccountField)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO payees (household_id, region_code, holder_name, bank, account_sealed, account_hash,
			account_masked, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (household_id) DO UPDATE SET
			region_code = excluded.region_code, holder_name = excluded.holder_name, bank = excluded.bank,
			account_sealed = excluded.account_sealed, account_hash = excluded.account_hash, account_masked = excluded.account_masked,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, hid, h.RegionCode, holder, bank, sealed,
			s.Keys.Hash(pii.BankAccount, account), pii.MaskBank(account), p.Login, s.stamp()); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "payout.payee", TargetType: "household", TargetID: itoa(hid), RegionCode: h.RegionCode,
			Detail: map[string]any{"bank": bank, "account": pii.MaskBank(account)}})
		return err
	})
}

// PayeeOf returns the payee of household hid, if one is recorded and the household is in scope.
func (s *Store) PayeeOf(ctx context.Context, p *auth.Principal, hid int64) (*Payee, error) {
	if _, err := s.Registry.Get(ctx, p, hid); err != nil {
		return nil, err
	}
	pe := &Payee{HouseholdID: hid}
	err := s.DB.QueryRow(ctx, `SELECT holder_name, bank, account_masked FROM payees WHERE household_id = ?`, hid).Scan(
		&pe.HolderName, &pe.Bank, &pe.AccountMasked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return pe, err
}

// validAccount accepts a bank card or account number: 12 to 30 digits.
func validAccount(s string) bool {
	if len(s) < 12 || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
