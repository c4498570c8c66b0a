package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// runSettle is "minzheng settle": the monthly settlement of the canteens. Without a subcommand
// it generates the month's settlements ("minzheng settle --month M"), as the system or as the
// user --as names; approving is the district approver's act, so "settle approve" acts as the
// approver --as names, as the web page would; "settle statement" writes a statement's
// spreadsheet.
func runSettle(ctx context.Context, e env, args []string) error {
	if len(args) > 0 && (args[0] == "approve" || args[0] == "statement" || args[0] == "generate") {
		return subcommand(ctx, e, "settle", args, map[string]func(context.Context, env, []string) error{
			"generate":  runSettleGenerate,
			"approve":   runSettleApprove,
			"statement": runSettleStatement,
		})
	}
	return runSettleGenerate(ctx, e, args)
}

// settleMonthFlag parses --month.
func settleMonthFlag(v string) (civil.Month, error) {
	m, err := civil.ParseMonth(v)
	if err != nil {
		return m, fmt.Errorf("--month: give the month as YYYY-MM")
	}
	return m, nil
}

// settleTally adds up settlements: how many, of how many canteens, their meals and amounts.
type settleTally struct {
	settlements, meals, held   int
	diner, city, district, str money.Fen
	subsidy, heldFen           money.Fen
}

func (t *settleTally) add(s *meals.Settlement) {
	t.settlements++
	t.meals += s.Meals
	t.held += s.HeldMeals
	t.diner, t.city, t.district, t.str = t.diner+s.Diner, t.city+s.City, t.district+s.District, t.str+s.Street
	t.subsidy, t.heldFen = t.subsidy+s.Subsidy(), t.heldFen+s.Held
}

func (t *settleTally) String() string {
	return fmt.Sprintf("%d canteens, %d meals, diners %s, city %s, district %s, street %s, held back %d meals %s",
		t.settlements, t.meals, t.diner, t.city, t.district, t.str, t.held, t.heldFen)
}

// runSettleGenerate generates (or rebuilds, while draft) the month's settlement of every canteen
// with meals to settle, and prints one line per district.
func runSettleGenerate(ctx context.Context, e env, args []string) error {
	var month, as string
	svc, err := dataCommand(ctx, e, "settle", "助餐月度结算。Generate the month's settlement of every canteen with subsidised meals to settle (drafts are rebuilt, approved ones left alone; flagged meals held back) and print the totals per district. Subcommands: settle approve, settle statement.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&month, "month", "", "`month` to settle, YYYY-MM (required)")
			fs.StringVar(&as, "as", "", "log-in `name` to act as (its scope limits the canteens); default the system, the whole city")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	m, err := settleMonthFlag(month)
	if err != nil {
		return err
	}
	p := auth.System()
	if as != "" {
		if p, err = principalOf(ctx, svc, as); err != nil {
			return err
		}
	}
	// The month is scanned for fraud first, as the monthly job does, so no flagged meal is paid
	// only because the hourly scan has not reached it.
	to := m.LastDay()
	if today := civil.Today(svc.meals.Now()); today.Before(to) {
		to = today
	}
	scan, err := svc.meals.ScanFraud(ctx, m.FirstDay(), to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "settle: anti-fraud scan of %s: %d meals, %d new flags\n", m, scan.Meals, scan.NewFlags())
	fmt.Fprintf(e.stderr, "settle: generating the settlements of %s…\n", m)
	run, err := svc.meals.GenerateSettlements(ctx, p, m)
	if err != nil {
		return err
	}
	byDistrict := map[string]*settleTally{}
	var all settleTally
	for i := range run.Settlements {
		s := &run.Settlements[i]
		d := byDistrict[s.DistrictCode()]
		if d == nil {
			d = &settleTally{}
			byDistrict[s.DistrictCode()] = d
		}
		d.add(s)
		all.add(s)
	}
	for _, code := range sortedKeys(byDistrict) {
		fmt.Fprintf(e.stdout, "district %s %s: %s\n", code, regionName(ctx, svc, code), byDistrict[code])
	}
	fmt.Fprintf(e.stdout, "settle %s: %d settlements (%d drafts built, %d approved left alone); %s; subsidy %s\n",
		m, len(run.Settlements), run.Built, run.Kept, all.String(), all.subsidy)
	return nil
}

// regionName is a region's name, or "" when the code is not a region.
func regionName(ctx context.Context, svc *services, code string) string {
	var name string
	_ = svc.db.QueryRow(ctx, `SELECT name FROM regions WHERE code = ?`, code).Scan(&name)
	return name
}

// settlementLine describes a settlement in one line.
func settlementLine(s *meals.Settlement) string {
	return fmt.Sprintf("settlement %d: %s canteen %d %s %s, %d meals, subsidy %s (city %s, district %s, street %s), held back %d",
		s.ID, s.Month, s.CanteenID, s.CanteenName, s.Status, s.Meals, s.Subsidy(), s.City, s.District, s.Street, s.HeldMeals)
}

// runSettleApprove approves the month's draft settlements of one district's canteens as its
// district approver: each one's meals are posted to the ledger.
func runSettleApprove(ctx context.Context, e env, args []string) error {
	var month, district, as string
	svc, err := dataCommand(ctx, e, "settle approve", "审核助餐结算单。Approve the month's draft settlements of a district's canteens as its district approver (--as); every meal is posted to the ledger.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&month, "month", "", "`month`, YYYY-MM (required)")
			fs.StringVar(&district, "district", "", "district (county) `code`, e.g. 370212 (required)")
			fs.StringVar(&as, "as", "", "log-in `name` of the district approver who approves (required)")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	m, err := settleMonthFlag(month)
	if err != nil {
		return err
	}
	if len(district) != 6 {
		return fmt.Errorf("--district: give the district's 6-digit code")
	}
	p, err := principalOf(ctx, svc, as)
	if err != nil {
		return err
	}
	if p.Role != auth.DistrictApprover || !p.Sees(district) {
		return fmt.Errorf("--as %s: approval is for a district approver of %s (this user is %s for %s)", as, district, p.Role, p.Scope.Code())
	}
	drafts, err := svc.meals.Settlements(ctx, p, meals.SettlementQuery{Month: m, Status: meals.SettlementDraft, District: district})
	if err != nil {
		return err
	}
	if len(drafts) == 0 {
		return fmt.Errorf("no draft settlement of %s in %s to approve (run settle --month %s first)", m, district, m)
	}
	var all settleTally
	for i := range drafts {
		if err := svc.meals.ApproveSettlement(ctx, p, drafts[i].ID, drafts[i].Version); err != nil {
			return fmt.Errorf("settlement %d: %w", drafts[i].ID, err)
		}
		s, err := svc.meals.Settlement(ctx, p, drafts[i].ID)
		if err != nil {
			return err
		}
		all.add(s)
		fmt.Fprintln(e.stdout, settlementLine(s))
	}
	fmt.Fprintf(e.stdout, "settle approve: %d settlements approved by %s; %s; subsidy %s posted\n", len(drafts), p.Login, all.String(), all.subsidy)
	return nil
}

// runSettleStatement writes a settlement's statement as a spreadsheet. The file is written
// beside its final name and renamed once complete, so a failure leaves no half file behind.
func runSettleStatement(ctx context.Context, e env, args []string) error {
	var id int64
	var out, as string
	svc, err := dataCommand(ctx, e, "settle statement", "导出助餐结算单。Write a settlement's statement (.xlsx): every meal, the totals by funding source, and the meals held back.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.Int64Var(&id, "id", 0, "settlement `id` (required)")
			fs.StringVar(&out, "out", "", "output `file`; default meal-settlement-CANTEEN-MONTH.xlsx in the current folder")
			fs.StringVar(&as, "as", "", "log-in `name` to act as; default the system")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if id <= 0 {
		return fmt.Errorf("--id: give the settlement's number")
	}
	p := auth.System()
	if as != "" {
		if p, err = principalOf(ctx, svc, as); err != nil {
			return err
		}
	}
	st, err := svc.meals.Statement(ctx, p, id)
	if err != nil {
		return err
	}
	if out == "" {
		out = st.FileName()
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = st.WriteXLSX(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "settle statement: settlement %d → %s: %d meals, %s; %d held back\n", id, out, len(st.Meals),
		st.Price, len(st.HeldBack))
	return nil
}
