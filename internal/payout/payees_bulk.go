package payout

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// PayeeInput is one household's payee for a bulk load.
type PayeeInput struct {
	HouseholdID int64
	RegionCode  string
	HolderName  string
	Bank        string
	Account     string
}

// LoadPayees records many payees at once, for a migration from another system or the demo city,
// as the system, with one audit event for the batch. Households that already have a payee keep it.
func (s *Store) LoadPayees(ctx context.Context, in []PayeeInput) (int, error) {
	const cols = 9
	row := "(" + db.Placeholders(cols) + ")"
	n := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(in); start += 500 {
			chunk := in[start:min(start+500, len(in))]
			args := make([]any, 0, len(chunk)*cols)
			for _, p := range chunk {
				sealed, err := s.Keys.Seal(p.Account, AccountField)
				if err != nil {
					return err
				}
				args = append(args, p.HouseholdID, p.RegionCode, p.HolderName, p.Bank, sealed, s.Keys.Hash(pii.BankAccount, p.Account),
					pii.MaskBank(p.Account), audit.System, s.stamp())
			}
			res, err := tx.Exec(ctx, `INSERT INTO payees (household_id, region_code, holder_name, bank, account_sealed, account_hash,
				account_masked, updated_by, updated_at) VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")+`
				ON CONFLICT (household_id) DO NOTHING`, args...)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		p := auth.System()
		_, err := s.Audit.Append(ctx, tx, audit.Event{Actor: p.Login, Role: string(p.Role), Action: "payout.payees_load",
			TargetType: "payees", Detail: map[string]any{"households": n}})
		return err
	})
	return n, err
}
