package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/registry"
)

// errStop ends an iteration early without being an error.
var errStop = errors.New("stop")

// runBenchPolicy simulates "低保 standard +5 %" over the database's households (generating them
// first if there are fewer than --households) and times single calculations, ending with the
// summary line the issue asks for.
func runBenchPolicy(ctx context.Context, e env, args []string) error {
	households := 1000000
	var profile string
	svc, err := dataCommand(ctx, e, "bench policy", "政策测算性能。Simulate a 5% rise of the 低保 standard over N households and time single calculations.", args,
		func(_ *config.Config, fs flagAdder) {
			fs.IntVar(&households, "households", households, "`households` to simulate over")
			fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the simulation to `file`")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	var have int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&have); err != nil {
		return err
	}
	if have < households {
		fmt.Fprintf(e.stderr, "bench policy: generating %d households first\n", households-have)
		if _, _, err := generateHouseholds(ctx, svc, 20231231, households-have, nil); err != nil {
			return err
		}
	}
	date := civil.Date{Year: 2024, Month: 6, Day: 1}
	admin := &auth.Principal{Login: "bench", Role: auth.CityAdmin, Scope: "3702"}
	stopProfile, err := startProfile(profile)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := benefit.Run(ctx, svc.registry, svc.params, admin, benefit.Scenario{Program: "dibao", Date: date,
		Param: "dibao.standard", From: date, Permille: 50})
	if err != nil {
		return err
	}
	simulated := time.Since(start)
	stopProfile()
	set, err := svc.params.Load(ctx)
	if err != nil {
		return err
	}
	var times []time.Duration
	n := 0
	err = svc.registry.Each(ctx, admin, func(h *registry.Household) error {
		if n >= 10000 {
			return errStop
		}
		n++
		req := benefit.Request(h, "dibao", date)
		t0 := time.Now()
		if _, err := policy.Calculate(set, req); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	slices.Sort(times)
	p99 := times[len(times)*99/100]
	t := rep.Total
	fmt.Fprintf(e.stdout, "simulation: %d households, eligible %d → %d, monthly cost %s → %s (%s a year)\n", t.Households,
		t.EligibleBefore, t.EligibleAfter, t.MonthlyBefore, t.MonthlyAfter, t.YearlyChange)
	fmt.Fprintf(e.stdout, "policy: %d households simulated in %.1f s, calc p99 %d µs\n", t.Households, simulated.Seconds(), p99.Microseconds())
	return nil
}
