package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
)

// runLedger is "minzheng ledger": proving and reading the double-entry funds ledger.
func runLedger(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "ledger", args, map[string]func(context.Context, env, []string) error{
		"verify":  runLedgerVerify,
		"balance": runLedgerBalance,
	})
}

// runLedgerVerify proves that the ledger balances and matches the rosters, printing what it
// checked and every problem; any problem is exit status 1.
func runLedgerVerify(ctx context.Context, e env, args []string) error {
	svc, err := dataCommand(ctx, e, "ledger verify", "校验资金账。Prove the funds ledger: every transaction and the whole ledger balance, each approved roster is posted once at its total, returns match failed lines, and every meal of an approved canteen settlement is posted once, split as the meal was; exit status 1 on any problem.", args, nil)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	v, err := svc.payout.Verify(ctx)
	if err != nil {
		return err
	}
	for _, p := range v.Problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", p)
	}
	summary := fmt.Sprintf("%d transactions, %d entries, debits %s, %d approved rosters", v.Transactions, v.Entries, v.Debits, v.Rosters)
	if len(v.Problems) > 0 {
		fmt.Fprintf(e.stdout, "ledger BROKEN: %d problems (%s)\n", len(v.Problems), summary)
	} else {
		fmt.Fprintf(e.stdout, "ledger OK: %s\n", summary)
	}
	// The meal postings of the canteens' settlements, which the payout check sees only as
	// transactions that balance.
	c, err := svc.meals.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	for _, p := range c.Problems {
		fmt.Fprintf(e.stdout, "meal problem: %s\n", p)
	}
	summary = fmt.Sprintf("%d meal transactions, %d entries, debits %s, %d approved settlements, %d meals posted",
		c.Transactions, c.Entries, c.Debits, c.Settlements, c.Meals)
	if len(c.Problems) > 0 {
		fmt.Fprintf(e.stdout, "meal ledger BROKEN: %d problems (%s)\n", len(c.Problems), summary)
	} else {
		fmt.Fprintf(e.stdout, "meal ledger OK: %s\n", summary)
	}
	if len(v.Problems) > 0 || len(c.Problems) > 0 {
		return errFailed
	}
	return nil
}

// runLedgerBalance prints the trial balance of a month: each account's debits and credits in
// the month and its closing balance, and the sum of the closing balances (zero when balanced).
func runLedgerBalance(ctx context.Context, e env, args []string) error {
	var month, as string
	svc, err := dataCommand(ctx, e, "ledger balance", "试算平衡表。Print the trial balance of a month: movements and closing balance per account.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&month, "month", "", "`month`, YYYY-MM (required)")
			fs.StringVar(&as, "as", "", "log-in `name` whose scope limits the accounts; default the whole city")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	m, err := civil.ParseMonth(month)
	if err != nil {
		return fmt.Errorf("--month: give the month as YYYY-MM")
	}
	p := auth.System()
	if as != "" {
		if p, err = principalOf(ctx, svc, as); err != nil {
			return err
		}
	}
	rows, sum, err := svc.payout.TrialBalance(ctx, p, m)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ACCOUNT\tKIND\tDEBITS\tCREDITS\tCLOSING\tNAME\t")
	for _, b := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", b.Account, b.Kind, b.Debits, b.Credits, b.Closing, b.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ledger balance %s: %d accounts, closing balances sum to %s\n", m, len(rows), sum)
	return nil
}
