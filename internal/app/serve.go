package app

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
)

func runServe(ctx context.Context, e env, args []string) error {
	m := newMainFor(e)
	return runUntilSignal(ctx, m, args)
}

func runDemo(ctx context.Context, e env, args []string) error {
	m := newMainFor(e)
	m.Demo = true
	return runUntilSignal(ctx, m, args)
}

func newMainFor(e env) *Main {
	m := NewMain()
	m.Stdout, m.Stderr, m.Getenv = e.stdout, e.stderr, e.getenv
	return m
}

// runUntilSignal parses flags, runs m and serves until interrupted or ctx ends.
func runUntilSignal(ctx context.Context, m *Main, args []string) error {
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	if m.Demo {
		printDemoWelcome(m)
	} else {
		fmt.Fprintf(m.Stdout, "Minzheng is serving on %s\n", m.URL())
	}
	<-ctx.Done()
	fmt.Fprintln(m.Stdout, "shutting down")
	return m.Close()
}
