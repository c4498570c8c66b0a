package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/synth/feedgen"
)

// runMonitor is "minzheng monitor": agency files and monitoring runs from the command line.
func runMonitor(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "monitor", args, map[string]func(context.Context, env, []string) error{
		"ingest":   runMonitorIngest,
		"run":      runMonitorRun,
		"sources":  runMonitorSources,
		"evaluate": runMonitorEvaluate,
	})
}

// runMonitorIngest receives agency files of one source and, unless --no-run, processes them at
// once, printing progress for large files and each batch's outcome. A file already received is
// said so and changes nothing.
func runMonitorIngest(ctx context.Context, e env, args []string) error {
	var source string
	var noRun bool
	var files []string
	svc, err := dataCommandArgs(ctx, e, "monitor ingest", "接收部门比对数据。Receive agency files of --source (CSV, .xlsx or JSON lines) and run the rules on them.", args,
		func(_ *config.Config, fs *flag.FlagSet) {
			fs.StringVar(&source, "source", "", "feed `source`: "+strings.Join(sourceNames(), ", ")+" (required)")
			fs.BoolVar(&noRun, "no-run", false, "only receive; the next run (scheduled or `minzheng monitor run`) processes them")
		}, &files)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if source == "" || len(files) == 0 {
		return fmt.Errorf("give --source and at least one file")
	}
	for _, name := range files {
		b, err := svc.monitor.ReceiveFile(ctx, auth.System(), source, name, "")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if b.Duplicate {
			fmt.Fprintf(e.stdout, "%s: already received as batch %d (%s); nothing changed\n", name, b.ID, b.Status)
		} else {
			fmt.Fprintf(e.stdout, "%s: received as batch %d (%d bytes)\n", name, b.ID, b.Bytes)
		}
	}
	if noRun {
		return nil
	}
	return monitorRun(ctx, e, svc)
}

// runMonitorRun processes every waiting batch: the on-demand form of the monthly job.
func runMonitorRun(ctx context.Context, e env, args []string) error {
	svc, err := dataCommand(ctx, e, "monitor run", "运行动态监测比对。Process every received agency file against the registry and raise warnings.", args, nil)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	return monitorRun(ctx, e, svc)
}

func monitorRun(ctx context.Context, e env, svc *services) error {
	rep, err := svc.monitor.Run(ctx, "cli", func(s string) { fmt.Fprintln(e.stderr, "monitor: "+s) })
	if err != nil {
		return err
	}
	rejected := 0
	for _, b := range rep.Batches {
		fmt.Fprintf(e.stdout, "batch %d %s %s: %s, %d rows, %d matched, %d row errors, %d new warnings\n",
			b.ID, b.Source, b.Filename, b.Status, b.RowsRead, b.RowsMatched, b.RowErrors, b.Warnings)
		if b.Status == monitor.BatchRejected {
			rejected++
			_, errs, err := svc.monitor.BatchDetail(ctx, auth.System(), b.ID)
			if err != nil {
				return err
			}
			for i, re := range errs {
				if i == 20 {
					fmt.Fprintf(e.stdout, "  … %d more\n", b.RowErrors-20)
					break
				}
				fmt.Fprintf(e.stdout, "  %s\n", re.Message)
			}
		}
	}
	fmt.Fprintf(e.stdout, "monitor run: %d batches, %d rows, %d matched, %d new warnings in %.1f s\n",
		len(rep.Batches), rep.Rows, rep.Matched, rep.Warnings, rep.Elapsed.Seconds())
	if rejected > 0 {
		return errors.New(fmt.Sprintf("%d batch(es) rejected: fix the rows listed and send the file again", rejected))
	}
	return nil
}

// runMonitorSources lists the feed sources and their fields, for agencies preparing files.
func runMonitorSources(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "monitor sources", "列出比对数据来源。List the agency feed sources and their columns.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, s := range feed.Sources() {
		fmt.Fprintf(e.stdout, "%s\t%s（%s）\n", s.Name, s.Label, s.Agency)
		for _, f := range s.Fields {
			req := ""
			if f.Required {
				req = " required"
			}
			name := f.Name
			if f.Type == feed.TypeID {
				name = "id_number | id_hash"
			}
			fmt.Fprintf(e.stdout, "  %-22s %-8s %s%s\n", name, f.Type, f.Label, req)
		}
	}
	return nil
}

func sourceNames() []string {
	var out []string
	for _, s := range feed.Sources() {
		out = append(out, s.Name)
	}
	return out
}

// runMonitorEvaluate measures the warnings against a ground truth of planted cases (the demo's
// demo-feeds/truth-N.json, or a benchmark's): recall and precision.
func runMonitorEvaluate(ctx context.Context, e env, args []string) error {
	var truthPath string
	svc, err := dataCommand(ctx, e, "monitor evaluate", "评估比对结果。Recall and precision of the warnings against planted cases.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&truthPath, "truth", "", "ground-truth `file` (JSON) written with the feeds")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	data, err := os.ReadFile(truthPath)
	if err != nil {
		return err
	}
	var truth []feedgen.Truth
	if err := json.Unmarshal(data, &truth); err != nil {
		return fmt.Errorf("%s: %w", truthPath, err)
	}
	recall, precision, err := benchAccuracy(ctx, svc, truth, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "monitor evaluate: %d planted cases; recall %.3f, precision %.3f\n", len(truth), recall, precision)
	return nil
}
