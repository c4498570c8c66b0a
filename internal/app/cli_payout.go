package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/payout/bankfile"
	"github.com/minzheng/minzheng/internal/synth"
)

// runPayout is "minzheng payout": the monthly rosters from the command line. Generation runs as
// the system; approving and applying the bank's returns are the district approver's acts, so
// those name the approver with --as and act as that user, as the web page would.
func runPayout(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "payout", args, map[string]func(context.Context, env, []string) error{
		"generate":       runPayoutGenerate,
		"approve":        runPayoutApprove,
		"export":         runPayoutExport,
		"import-returns": runPayoutImportReturns,
		"cpi":            runPayoutCPI,
	})
}

// rosterTarget are the flags that choose rosters: a month and, optionally, a program and a district.
type rosterTarget struct {
	month, program, district, city string
}

func (t *rosterTarget) flags(fs flagAdder, needDistrict bool) {
	fs.StringVar(&t.month, "month", "", "payment `month`, YYYY-MM (required)")
	fs.StringVar(&t.program, "program", "", "one `program` ("+strings.Join(payout.Programs(), ", ")+"); default all")
	if needDistrict {
		fs.StringVar(&t.district, "district", "", "district (county) `code`, e.g. 370212 (required)")
	} else {
		fs.StringVar(&t.district, "district", "", "one district (county) `code`; default every district of --city")
		fs.StringVar(&t.city, "city", synth.CityCode, "city `code` whose districts are paid")
	}
}

// parse checks the flags and returns the month and the programs they name.
func (t *rosterTarget) parse(needDistrict bool) (civil.Month, []string, error) {
	m, err := civil.ParseMonth(t.month)
	if err != nil {
		return m, nil, fmt.Errorf("--month: give the month as YYYY-MM")
	}
	programs := payout.Programs()
	if t.program != "" {
		if !slices.Contains(programs, t.program) {
			return m, nil, fmt.Errorf("--program: %q pays no money; one of %s", t.program, strings.Join(programs, ", "))
		}
		programs = []string{t.program}
	}
	if needDistrict && len(t.district) != 6 {
		return m, nil, fmt.Errorf("--district: give the district's 6-digit code")
	}
	return m, programs, nil
}

// runPayoutGenerate generates (or regenerates, while draft) the rosters of a month for every
// payable program and district of the city, or the one program or district named.
func runPayoutGenerate(ctx context.Context, e env, args []string) error {
	var t rosterTarget
	svc, err := dataCommand(ctx, e, "payout generate", "生成发放名册。Generate the month's rosters (draft) for every program × district, or those named; a draft is rebuilt, an approved roster left as it is.", args,
		func(_ *config.Config, fs flagAdder) { t.flags(fs, false) })
	if err != nil {
		return err
	}
	defer svc.db.Close()
	m, programs, err := t.parse(false)
	if err != nil {
		return err
	}
	districts := []string{t.district}
	if t.district == "" {
		if districts, err = svc.payout.Districts(ctx, t.city); err != nil {
			return err
		}
		if len(districts) == 0 {
			return fmt.Errorf("--city %s has no districts", t.city)
		}
	}
	sys := auth.System()
	var n, empty, lines int
	var total money.Fen
	var priceSkipped error
	for _, d := range districts {
		for _, prog := range programs {
			r, err := svc.payout.Generate(ctx, sys, m, prog, d)
			if prog == payout.PriceSubsidy && t.program == "" && apperr.KindOf(err) == apperr.Conflict {
				// The month's CPI is not entered or the linkage not triggered: no price subsidy.
				priceSkipped = err
				continue
			}
			if err != nil {
				return fmt.Errorf("%s %s %s: %w", m, prog, d, err)
			}
			n++
			lines += r.Lines
			total += r.Total
			if r.Lines == 0 {
				empty++
				continue
			}
			fmt.Fprintln(e.stdout, rosterLine(r))
		}
		fmt.Fprintf(e.stderr, "payout generate: district %s done\n", d)
	}
	fmt.Fprintf(e.stdout, "payout generate: %s: %d rosters (%d empty), %d lines, %s\n", m, n, empty, lines, total)
	if priceSkipped != nil {
		fmt.Fprintf(e.stdout, "payout generate: no price-subsidy rosters: %v\n", priceSkipped)
	}
	return nil
}

// rosterLine describes a roster in one line.
func rosterLine(r *payout.Roster) string {
	return fmt.Sprintf("roster %d: %s %s %s %s, %d lines, %d households, %d persons, %s", r.ID, r.Month, r.Program, r.District,
		r.Status, r.Lines, r.Households, r.Persons, r.Total)
}

// runPayoutApprove approves the month's draft rosters of one district as its approver.
func runPayoutApprove(ctx context.Context, e env, args []string) error {
	var t rosterTarget
	var as string
	svc, err := dataCommand(ctx, e, "payout approve", "审核发放名册。Approve the month's draft rosters of a district as its district approver (--as); the payments are posted to the ledger.", args,
		func(_ *config.Config, fs flagAdder) {
			t.flags(fs, true)
			fs.StringVar(&as, "as", "", "log-in `name` of the district approver who approves (required)")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	m, programs, err := t.parse(true)
	if err != nil {
		return err
	}
	p, err := principalOf(ctx, svc, as)
	if err != nil {
		return err
	}
	if p.Role != auth.DistrictApprover || !p.Sees(t.district) {
		return fmt.Errorf("--as %s: approval is for a district approver of %s (this user is %s for %s)", as, t.district, p.Role, p.Scope.Code())
	}
	rosters, err := svc.payout.Rosters(ctx, p, payout.RosterQuery{Month: m, Status: payout.Draft})
	if err != nil {
		return err
	}
	n := 0
	for _, r := range rosters {
		if r.District != t.district || !slices.Contains(programs, r.Program) {
			continue
		}
		a, err := svc.payout.Approve(ctx, p, r.ID, r.Version, "")
		if err != nil {
			return fmt.Errorf("roster %d: %w", r.ID, err)
		}
		fmt.Fprintln(e.stdout, rosterLine(a))
		n++
	}
	if n == 0 {
		return fmt.Errorf("no draft roster of %s in %s to approve (run payout generate first)", m, t.district)
	}
	fmt.Fprintf(e.stdout, "payout approve: %d rosters approved by %s\n", n, p.Login)
	return nil
}

// principalOf loads an active user by log-in name and acts as them.
func principalOf(ctx context.Context, svc *services, login string) (*auth.Principal, error) {
	if login == "" {
		return nil, fmt.Errorf("--as: name the user who acts")
	}
	users, _, err := svc.auth.ListUsers(ctx, auth.System(), auth.UserFilter{Query: login, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Login == login {
			if u.Disabled {
				return nil, fmt.Errorf("--as: user %s is disabled", login)
			}
			return u.Principal(), nil
		}
	}
	return nil, fmt.Errorf("--as: no user %q", login)
}

// runPayoutExport writes an approved roster's bank file and locks the roster. The file is
// written beside its final name and renamed once complete, so a refused or failed export leaves
// no half file behind.
func runPayoutExport(ctx context.Context, e env, args []string) error {
	var id int64
	var format, encoding, layoutFile, out, as string
	svc, err := dataCommand(ctx, e, "payout export", "导出银行文件。Write an approved roster's bank file (.xlsx or CSV, UTF-8 or GBK, in a bank's column layout) with control totals; the roster is locked.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.Int64Var(&id, "roster", 0, "roster `id` (required)")
			fs.StringVar(&format, "format", "", "`format`: csv or xlsx; default from -o's extension, else csv")
			fs.StringVar(&encoding, "encoding", bankfile.UTF8, "CSV `encoding`: utf-8 or gbk")
			fs.StringVar(&layoutFile, "layout", "", "column layout `file` (JSON or CSV, see docs/bank-files.md); default the built-in layout")
			fs.StringVar(&out, "o", "", "output `file`; default payout-MONTH-PROGRAM-DISTRICT-ID.FORMAT in the current folder")
			fs.StringVar(&as, "as", "", "log-in `name` to act as; default the system")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if id <= 0 {
		return fmt.Errorf("--roster: give the roster id")
	}
	p := auth.System()
	if as != "" {
		if p, err = principalOf(ctx, svc, as); err != nil {
			return err
		}
	}
	opt := bankfile.Options{Format: format, Encoding: encoding}
	if opt.Format == "" {
		opt.Format = bankfile.CSV
		if strings.EqualFold(filepath.Ext(out), ".xlsx") {
			opt.Format = bankfile.XLSX
		}
	}
	if layoutFile != "" {
		data, err := os.ReadFile(layoutFile)
		if err != nil {
			return err
		}
		if opt.Layout, err = bankfile.ParseLayout(data); err != nil {
			return fmt.Errorf("%s: %w", layoutFile, err)
		}
	}
	r, err := svc.payout.Roster(ctx, p, id)
	if err != nil {
		return err
	}
	if out == "" {
		out = opt.FileName(r)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	t, err := bankfile.Export(ctx, svc.payout, p, id, tmp, opt, "")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payout export: roster %d → %s: %d rows (%d lines), %s; roster locked\n", id, out, t.Rows, t.Lines, t.Amount)
	if t.Skipped > 0 {
		fmt.Fprintf(e.stdout, "payout export: %d households left out: their lines net to zero\n", t.Skipped)
	}
	return nil
}

// runPayoutImportReturns applies the bank's return file to a locked roster as its district
// approver: failed payments go back to the funds and to the re-issue queue. A file with any bad
// row changes nothing; every bad row is listed.
func runPayoutImportReturns(ctx context.Context, e env, args []string) error {
	var id int64
	var as string
	var rest []string
	svc, err := dataCommandArgs(ctx, e, "payout import-returns", "导入银行回盘。Apply the bank's return FILE (.xlsx or CSV: 明细号, 状态 成功/失败, 原因) to a locked roster, all or nothing, as its district approver (--as).", args,
		func(_ *config.Config, fs *flag.FlagSet) {
			fs.Int64Var(&id, "roster", 0, "roster `id` (required)")
			fs.StringVar(&as, "as", "", "log-in `name` of the district approver (required)")
		}, &rest)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if id <= 0 || len(rest) != 1 {
		return fmt.Errorf("give --roster ID, --as LOGIN and exactly one return file")
	}
	p, err := principalOf(ctx, svc, as)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	res, err := bankfile.Import(ctx, svc.payout, p, id, data, "")
	var fe *bankfile.FileError
	if errors.As(err, &fe) && len(fe.Rows) > 0 {
		for _, r := range fe.Rows {
			fmt.Fprintf(e.stdout, "%s: row %d: %s\n", rest[0], r.Row, r.Message)
		}
		fmt.Fprintf(e.stdout, "payout import-returns: %s has %d bad rows; nothing applied\n", rest[0], fe.Total)
		return errFailed
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "payout import-returns: roster %d: %d paid, %d failed; %s back to the funds and queued for re-issue\n",
		id, res.Paid, res.Failed, res.Refunded)
	return nil
}
