package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry/roster"
)

// runImport imports a household roster (.xlsx or .csv) from the command line, all or nothing,
// as the system within --scope. With --dry-run it only reports.
func runImport(ctx context.Context, e env, args []string) error {
	dryRun := false
	scope := "3702"
	var fileArg []string
	svc, err := dataCommandArgs(ctx, e, "import", "导入花名册。Import a household roster FILE (.xlsx or .csv): every row checked, then all or nothing.", args,
		func(_ *config.Config, fs *flag.FlagSet) {
			fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, write nothing")
			fs.StringVar(&scope, "scope", scope, "region `code` the imported households must lie in")
		}, &fileArg)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if len(fileArg) != 1 {
		return fmt.Errorf("give exactly one roster file")
	}
	sc, err := region.ParseScope(scope)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(fileArg[0])
	if err != nil {
		return err
	}
	p := &auth.Principal{Login: "system", Name: "system", Role: auth.CityAdmin, Scope: sc}
	start := time.Now()
	rep, err := roster.Import(ctx, svc.registry, p, data, fileArg[0], roster.Limits{}, dryRun, "")
	if err != nil {
		return err
	}
	for _, re := range rep.Errors {
		fmt.Fprintln(e.stdout, re.String())
	}
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing written)"
	}
	if !rep.OK() {
		fmt.Fprintf(e.stdout, "import: %s has %d problems; nothing written\n", fileArg[0], len(rep.Errors))
		return errFailed
	}
	fmt.Fprintf(e.stdout, "import: %s %s: %d rows, %d households (%d new, %d updated, %d unchanged) in %.1f s\n",
		fileArg[0], verb, rep.Rows, rep.Households, rep.Created, rep.Updated, rep.Unchanged, time.Since(start).Seconds())
	return nil
}
