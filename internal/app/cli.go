package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/config"
)

// dataCommand parses the common data flags plus the command's own, then opens the services.
func dataCommand(ctx context.Context, e env, name, synopsis string, args []string, own func(*config.Config, flagAdder)) (*services, error) {
	cfg := config.Default()
	if err := cfg.FromEnv(e.getenv); err != nil {
		return nil, err
	}
	fs := newFlagSet(e, name, synopsis)
	cfg.AddDataFlags(fs)
	if own != nil {
		own(&cfg, fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return openServices(ctx, cfg, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), time.Now)
}

// dataCommandArgs is dataCommand for commands that take positional arguments (a file name).
func dataCommandArgs(ctx context.Context, e env, name, synopsis string, args []string, own func(*config.Config, *flag.FlagSet), rest *[]string) (*services, error) {
	cfg := config.Default()
	if err := cfg.FromEnv(e.getenv); err != nil {
		return nil, err
	}
	fs := newFlagSet(e, name, synopsis)
	cfg.AddDataFlags(fs)
	own(&cfg, fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	*rest = fs.Args()
	return openServices(ctx, cfg, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), time.Now)
}

// flagAdder is the part of flag.FlagSet that commands use to add their own flags.
type flagAdder interface {
	StringVar(p *string, name, value, usage string)
	IntVar(p *int, name string, value int, usage string)
	Int64Var(p *int64, name string, value int64, usage string)
}

// subcommand dispatches "minzheng NAME SUB …" to one of subs.
func subcommand(ctx context.Context, e env, name string, args []string, subs map[string]func(context.Context, env, []string) error) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(e.stderr, "Usage: minzheng %s <", name)
		first := true
		for _, k := range sortedKeys(subs) {
			if !first {
				fmt.Fprint(e.stderr, "|")
			}
			fmt.Fprint(e.stderr, k)
			first = false
		}
		fmt.Fprintln(e.stderr, "> [flags]")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "minzheng %s: unknown subcommand %q\n", name, args[0])
		return errUsage
	}
	return run(ctx, e, args[1:])
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// errFailed marks a command that ran but found a problem it has already reported.
var errFailed = errors.New("failed")
