package app

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// demoSnapshot is everything the demo's cases hold, read through the store's API.
type demoSnapshot struct {
	apps         []*assistance.Application
	cases        []*assistance.Case
	entitlements []*assistance.Entitlement
	services     int
}

func readDemoCases(t *testing.T, m *Main) demoSnapshot {
	t.Helper()
	ctx, sys := context.Background(), auth.System()
	var s demoSnapshot
	for page := 1; ; page++ {
		apps, total, err := m.svc.cases.Search(ctx, sys, assistance.CaseQuery{Page: page, PerPage: 200})
		if err != nil {
			t.Fatal(err)
		}
		s.apps = append(s.apps, apps...)
		if len(apps) == 0 || len(s.apps) >= total {
			break
		}
	}
	households := map[int64]bool{}
	for _, a := range s.apps {
		c, err := m.svc.cases.Get(ctx, sys, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.cases = append(s.cases, c)
		if a.HouseholdID == 0 || households[a.HouseholdID] {
			continue
		}
		households[a.HouseholdID] = true
		ents, err := m.svc.cases.Entitlements(ctx, sys, a.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		s.entitlements = append(s.entitlements, ents...)
		svcs, err := m.svc.cases.Services(ctx, sys, a.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		s.services += len(svcs)
	}
	return s
}

// demoPrincipal signs a demo user in through the auth service and returns who it is.
func demoPrincipal(t *testing.T, m *Main, login string) *auth.Principal {
	t.Helper()
	for _, l := range m.DemoLogins {
		if l.Login == login {
			_, p, err := m.svc.auth.Login(context.Background(), login, l.Password, "127.0.0.1", "test")
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no demo user %s", login)
	return nil
}

// TestDemoCasesInEveryState starts the demo city and checks, through the assistance store, that
// its cases are in every state, with overdue steps at both levels, reminders, objections,
// corrections, services and reviews falling due, and that the demo users see their work.
func TestDemoCasesInEveryState(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		m := startDemo(t, dsn)
		ctx := context.Background()
		s := readDemoCases(t, m)
		if n := len(s.apps); n < 150 || n > 300 {
			t.Errorf("the demo has %d cases, want 150–300 for 3000 households", n)
		}
		has := func(pred func(c *assistance.Case) bool) bool {
			for _, c := range s.cases {
				if pred(c) {
					return true
				}
			}
			return false
		}
		for _, status := range []string{assistance.StatusSubmitted, assistance.StatusOpen, assistance.StatusDecided,
			assistance.StatusNotAccepted, assistance.StatusWithdrawn} {
			t.Run("status "+status, func(t *testing.T) {
				if !has(func(c *assistance.Case) bool { return c.Status == status }) {
					t.Errorf("no case is %s", status)
				}
			})
		}
		// The check is the system's: it runs the moment it opens, so it is never a current step.
		for _, step := range []string{assistance.StepAccept, assistance.StepVisit, assistance.StepMeeting, assistance.StepNotice,
			assistance.StepCouncil, assistance.StepAdvance, assistance.StepComplete, assistance.StepApprove} {
			t.Run("step "+step, func(t *testing.T) {
				if !has(func(c *assistance.Case) bool { return c.Current != nil && c.Current.Step == step }) {
					t.Errorf("no case is at step %s", step)
				}
			})
		}
		open := func(c *assistance.Case) bool {
			return c.Status == assistance.StatusOpen || c.Status == assistance.StatusSubmitted
		}
		kinds := []struct {
			name string
			pred func(c *assistance.Case) bool
		}{
			{"review open", func(c *assistance.Case) bool { return c.Kind == assistance.KindReview && open(c) }},
			{"review decided", func(c *assistance.Case) bool { return c.Kind == assistance.KindReview && !open(c) }},
			{"appeal open", func(c *assistance.Case) bool { return c.Kind == assistance.KindAppeal && open(c) }},
			{"appeal decided", func(c *assistance.Case) bool { return c.Kind == assistance.KindAppeal && !open(c) }},
			{"extended", func(c *assistance.Case) bool { return c.Extended && open(c) }},
			{"online", func(c *assistance.Case) bool { return c.Channel == "online" }},
			{"corrected decision", func(c *assistance.Case) bool {
				for _, d := range c.Decisions {
					if d.Corrects != 0 && d.Kind == assistance.DecisionOverturn {
						return true
					}
				}
				return false
			}},
			{"objection open", func(c *assistance.Case) bool {
				return open(c) && c.Current != nil && c.Current.Step == assistance.StepNotice && hasObjection(c, "open")
			}},
			{"objection dismissed", func(c *assistance.Case) bool { return hasObjection(c, "dismissed") }},
			{"objection upheld", func(c *assistance.Case) bool { return hasObjection(c, "upheld") }},
			{"先行救助", func(c *assistance.Case) bool { return hasDecision(c, assistance.DecisionAdvance) }},
			{"一事一议 decided", func(c *assistance.Case) bool {
				return c.Status == assistance.StatusDecided && slicesHasStep(c.Steps, assistance.StepCouncil)
			}},
			{"rejected", func(c *assistance.Case) bool { return hasDecision(c, assistance.DecisionReject) }},
			{"not accepted", func(c *assistance.Case) bool { return hasDecision(c, assistance.DecisionNotAccepted) }},
		}
		for _, k := range kinds {
			t.Run(k.name, func(t *testing.T) {
				if !has(k.pred) {
					t.Errorf("no case: %s", k.name)
				}
			})
		}
		t.Run("approved programs", func(t *testing.T) {
			granted := map[string]bool{}
			for _, e := range s.entitlements {
				granted[e.Program] = true
			}
			for _, p := range []string{"dibao", "tekun", "temporary", "disability_living", "disability_care", "vulnerable_child"} {
				if !granted[p] {
					t.Errorf("no entitlement of %s (granted: %v)", p, granted)
				}
			}
		})
		t.Run("entitlement statuses", func(t *testing.T) {
			for _, st := range []string{assistance.EntActive, assistance.EntSuspended, assistance.EntTapering, assistance.EntEnded} {
				found := false
				for _, e := range s.entitlements {
					found = found || e.Status == st
				}
				if !found {
					t.Errorf("no entitlement is %s", st)
				}
			}
		})
		t.Run("reviews due within 30 days", func(t *testing.T) {
			due, err := m.svc.cases.DueReviews(ctx, auth.System(), 30)
			if err != nil || len(due) == 0 {
				t.Errorf("due reviews: %d, %v", len(due), err)
			}
		})
		t.Run("services", func(t *testing.T) {
			if s.services == 0 {
				t.Error("no service recorded")
			}
		})
		zhonghan, laoshan := demoPrincipal(t, m, "zhonghan"), demoPrincipal(t, m, "laoshan")
		t.Run("overdue at street and district", func(t *testing.T) {
			tasks, _, err := m.svc.cases.Queue(ctx, auth.System(), assistance.QueueOverdue, 1, 200)
			if err != nil {
				t.Fatal(err)
			}
			levels := map[assistance.Level]bool{}
			for _, task := range tasks {
				if task.Overdue {
					levels[task.Level] = true
				}
			}
			if !levels[assistance.Street] || !levels[assistance.District] {
				t.Errorf("overdue levels %v, want street and district", levels)
			}
		})
		t.Run("reminders", func(t *testing.T) {
			for _, p := range []*auth.Principal{zhonghan, laoshan} {
				if r, err := m.svc.cases.Reminders(ctx, p); err != nil || len(r) == 0 {
					t.Errorf("%s has %d reminders, %v", p.Login, len(r), err)
				}
			}
		})
		queues := []struct {
			login, queue, step string
		}{
			{"zhonghan", assistance.QueueMine, ""},
			{"laoshan", assistance.QueueApproval, assistance.StepApprove},
			{"grid", assistance.QueueMine, assistance.StepVisit},
		}
		for _, q := range queues {
			t.Run(q.login+" "+q.queue, func(t *testing.T) {
				p := demoPrincipal(t, m, q.login)
				tasks, _, err := m.svc.cases.Queue(ctx, p, q.queue, 1, 50)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, task := range tasks {
					found = found || q.step == "" || task.Step == q.step
				}
				if !found {
					t.Errorf("%s's %s queue has no task (of %d)", q.login, q.queue, len(tasks))
				}
			})
		}
		t.Run("no ID number revealed", func(t *testing.T) {
			// The applicants' numbers come from the generator; revealing them would fill the audit
			// log with reveals nobody made.
			recs, _, err := audit.Search(ctx, m.DB, audit.Filter{Action: "pii.reveal"})
			if err != nil || len(recs) != 0 {
				t.Errorf("%d pii.reveal events after the demo started, %v", len(recs), err)
			}
		})
		t.Run("badaguan", func(t *testing.T) {
			p := demoPrincipal(t, m, "badaguan")
			apps, total, err := m.svc.cases.Search(ctx, p, assistance.CaseQuery{PerPage: 200})
			if err != nil || total == 0 {
				t.Fatalf("badaguan sees %d cases, %v", total, err)
			}
			for _, a := range apps {
				if !strings.HasPrefix(a.RegionCode, "370202009") {
					t.Errorf("badaguan sees case %d of %s", a.ID, a.RegionCode)
				}
			}
		})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

func hasObjection(c *assistance.Case, status string) bool {
	for _, o := range c.Objections {
		if o.Status == status {
			return true
		}
	}
	return false
}

func hasDecision(c *assistance.Case, kind string) bool {
	for _, d := range c.Decisions {
		if d.Kind == kind {
			return true
		}
	}
	return false
}

func slicesHasStep(steps []assistance.Step, key string) bool {
	for _, st := range steps {
		if st.Step == key && st.Status == "done" {
			return true
		}
	}
	return false
}
