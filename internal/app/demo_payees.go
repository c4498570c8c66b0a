package app

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/registry"
)

// demoBanks are the banks the demo's synthetic accounts are opened at.
var demoBanks = []string{"中国工商银行青岛分行", "中国农业银行青岛分行", "中国建设银行青岛分行", "中国银行青岛分行",
	"中国邮政储蓄银行青岛分行", "青岛农商银行", "青岛银行"}

// demoPayees gives every demo household without a payee a synthetic bank account in its head's
// name, so that the demo's rosters can be exported. The numbers follow the card-number shape
// (62…, Luhn check digit) and are derived from the household id, so they are the same on every run.
func demoPayees(ctx context.Context, svc *services) (int, error) {
	var in []payout.PayeeInput
	err := svc.registry.Each(ctx, auth.System(), func(h *registry.Household) error {
		head := h.Head()
		if head == nil {
			return nil
		}
		in = append(in, payout.PayeeInput{HouseholdID: h.ID, RegionCode: h.RegionCode, HolderName: head.Name,
			Bank: demoBanks[h.ID%int64(len(demoBanks))], Account: demoAccount(h.ID)})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return svc.payout.LoadPayees(ctx, in)
}

// demoAccount is a 19-digit synthetic card number for household id: 6228 48, twelve digits from
// the id, and a Luhn check digit.
func demoAccount(id int64) string {
	body := fmt.Sprintf("622848%012d", id*7919%1_000_000_000_000)
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + fmt.Sprint((10-sum%10)%10)
}
