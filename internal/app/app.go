// Package app wires Minzheng together — configuration, database, migrations, HTTP — and runs its
// subcommands. It holds no business rule: it only decides what is built, in what order, and how
// it is shut down. cmd/minzheng calls Execute and nothing else.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// env is what every subcommand receives: where to write and how to read the environment, so
// tests can run subcommands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand of the minzheng binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "运行服务 (run the server)", runServe},
		{"demo", "生成并运行示范城市 (generate and run the demo city)", runDemo},
		{"migrate", "执行数据库迁移 (apply database migrations)", runMigrate},
		{"bench", "性能测试 (performance scenarios)", runBench},
		{"calc", "待遇计算 (one calculation, JSON in and out)", runCalc},
		{"import", "导入花名册 (import a household roster)", runImport},
		{"gen", "生成合成数据 (generate synthetic households at any scale)", runGen},
		{"user", "用户管理 (create, list, reset users)", runUser},
		{"audit", "审计日志 (verify the audit log)", runAudit},
		{"payout", "资金发放 (generate, approve, export rosters; bank returns)", runPayout},
		{"ledger", "资金账 (verify the ledger, trial balance)", runLedger},
		{"monitor", "动态监测 (receive agency files, run the warning rules)", runMonitor},
		{"settle", "助餐结算 (monthly settlement of the canteens)", runSettle},
		{"keys", "密钥管理 (rotate personal-data keys)", runKeys},
		{"version", "显示版本 (print the version)", runVersion},
	}
}

// errUsage marks an error already explained by the flag package's usage text.
var errUsage = errors.New("usage")

// Execute runs the subcommand named by args[0] and returns the process exit code: 0 on success,
// 2 for a usage error, 1 for anything else (printed as one line on stderr).
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return execute(ctx, e, args)
}

func execute(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.Is(err, errFailed):
			return 1
		default:
			fmt.Fprintf(e.stderr, "minzheng %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "minzheng: unknown command %q\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	var b strings.Builder
	b.WriteString("民政综合业务平台 Minzheng\n\nUsage: minzheng <command> [flags]\n\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'minzheng <command> -h' for the flags of a command.\n")
	fmt.Fprint(w, b.String())
}

// newFlagSet makes a flag set that reports errors instead of exiting, printing usage to stderr.
func newFlagSet(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: minzheng %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a parse failure into errUsage (the flag package has already
// printed the problem) and rejecting stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "minzheng %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}
