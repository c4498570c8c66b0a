package app

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/web"
)

// runPayoutCPI is "minzheng payout cpi": records a month's CPI and food-CPI rises, on which that
// month's 价格临时补贴 roster rests, or lists the recorded months with --list. Recording is the
// city administrator's act, so it runs as the system (a city administrator) unless --as names
// the administrator who does it; the rises are typed as the bureau publishes them, percentages
// with one decimal, read exactly as the web form reads them.
func runPayoutCPI(ctx context.Context, e env, args []string) error {
	var month, cpi, food, source, as string
	var list bool
	var rest []string
	svc, err := dataCommandArgs(ctx, e, "payout cpi", "价格指数。Record a month's CPI and food-CPI rises year on year (percent, e.g. 3.6) for the 价格临时补贴 roster, or --list the recorded months.", args,
		func(_ *config.Config, fs *flag.FlagSet) {
			fs.StringVar(&month, "month", "", "`month` of the figures, YYYY-MM (required to record)")
			fs.StringVar(&cpi, "cpi", "", "CPI rise year on year in `percent`, at most one decimal, e.g. 3.6 (required to record)")
			fs.StringVar(&food, "food-cpi", "", "food-CPI rise year on year in `percent`, e.g. 6.1 (required to record)")
			fs.StringVar(&source, "source", "", "where the figures come from, e.g. the statistics bureau's release (required to record)")
			fs.StringVar(&as, "as", "", "log-in `name` of the city administrator who records; default the system")
			fs.BoolVar(&list, "list", false, "list the recorded months instead")
		}, &rest)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q", rest[0])
	}
	if list {
		return printPriceIndices(ctx, e, svc)
	}
	x, err := priceIndexFlags(month, cpi, food, source)
	if err != nil {
		return err
	}
	p := auth.System()
	if as != "" {
		if p, err = principalOf(ctx, svc, as); err != nil {
			return err
		}
	}
	if err := svc.payout.SetPriceIndex(ctx, p, x, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payout cpi: %s recorded by %s: CPI %s, food CPI %s (%s)\n", x.Month, p.Login, web.PercentText(x.CPI),
		web.PercentText(x.FoodCPI), strings.TrimSpace(x.Source))
	return nil
}

// priceIndexFlags checks the recording flags, naming the flag that is wrong, so the store only
// sees a complete entry.
func priceIndexFlags(month, cpi, food, source string) (payout.PriceIndex, error) {
	var x payout.PriceIndex
	var err error
	if x.Month, err = civil.ParseMonth(strings.TrimSpace(month)); err != nil {
		return x, fmt.Errorf("--month: give the month as YYYY-MM")
	}
	var ok bool
	if x.CPI, ok = web.ParsePercent(cpi); !ok {
		return x, fmt.Errorf("--cpi: give the rise in percent with at most one decimal, e.g. 3.6 (got %q)", cpi)
	}
	if x.FoodCPI, ok = web.ParsePercent(food); !ok {
		return x, fmt.Errorf("--food-cpi: give the rise in percent with at most one decimal, e.g. 6.1 (got %q)", food)
	}
	if x.Source = strings.TrimSpace(source); x.Source == "" {
		return x, fmt.Errorf("--source: say where the figures come from")
	}
	return x, nil
}

// printPriceIndices prints the recorded months, newest first, as percentages.
func printPriceIndices(ctx context.Context, e env, svc *services) error {
	xs, err := svc.payout.PriceIndices(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MONTH\tCPI\tFOOD CPI\tRECORDED BY\tRECORDED AT\tSOURCE")
	for _, x := range xs {
		at, _ := db.ParseTime(x.RecordedAt)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.Month, web.PercentText(x.CPI), web.PercentText(x.FoodCPI), x.RecordedBy,
			at.In(civil.China).Format("2006-01-02 15:04"), x.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payout cpi: %d months recorded\n", len(xs))
	return nil
}
