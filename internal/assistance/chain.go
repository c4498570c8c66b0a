package assistance

import (
	"context"
	"sort"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/msg"
)

// ChainEvent is one entry of a household's assistance chain (一户一条救助链).
type ChainEvent struct {
	At    time.Time
	Kind  string // application, step, decision, entitlement, service, payment, warning
	Title string
	Text  string
	// Link is the page of the entry, when it has one.
	Link string
}

// ChainSource adds entries from another module — payments from payouts, warnings from
// monitoring — to the chain of household hid.
type ChainSource func(ctx context.Context, p *auth.Principal, hid int64) ([]ChainEvent, error)

// Chain returns the assistance chain of household hid: every application and its steps, every
// decision and entitlement, every service, and what the other modules' sources add, newest first.
func (s *Store) Chain(ctx context.Context, p *auth.Principal, hid int64) ([]ChainEvent, error) {
	if _, err := s.Registry.Get(ctx, p, hid); err != nil {
		return nil, err
	}
	t := msg.Default().T
	var out []ChainEvent
	// Only what lies within the caller's scope: a household that moved keeps the cases and
	// decisions of its old street there, as it keeps its entitlements and services.
	scope, scopeArgs := p.ScopeCondition("region_code")
	rows, err := s.DB.Query(ctx, `SELECT `+appColumns+` FROM applications WHERE household_id = ? AND `+scope+` ORDER BY id`,
		append([]any{hid}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	var apps []*Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, a := range apps {
		link := "/cases/" + itoa(a.ID)
		out = append(out, ChainEvent{At: a.CreatedAt, Kind: "application", Title: t("case.kind."+a.Kind) + " · " + t("program."+a.Program),
			Text: a.Reason, Link: link})
		steps, err := s.steps(ctx, s.DB, a.ID)
		if err != nil {
			return nil, err
		}
		for _, st := range steps {
			if st.Status == "done" && st.Step != StepApprove {
				out = append(out, ChainEvent{At: st.DoneAt, Kind: "step", Title: t("case.step." + st.Step), Text: st.DoneBy, Link: link})
			}
		}
	}
	decisions, err := s.decisionsWhere(ctx, s.DB, `household_id = ? AND `+scope, append([]any{hid}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	for _, d := range decisions {
		out = append(out, ChainEvent{At: d.IssuedAt, Kind: "decision", Title: t("case.decision."+d.Kind) + " " + d.DocNo,
			Text: t("program."+d.Program) + " " + d.Amount.String(), Link: "/decisions/" + itoa(d.ID)})
	}
	ents, err := s.Entitlements(ctx, p, hid)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		out = append(out, ChainEvent{At: e.CreatedAt, Kind: "entitlement", Title: t("program."+e.Program) + " · " + t("case.ent."+e.Status),
			Text: amountText(e.Monthly, e.OneOff) + " " + t("case.from") + " " + e.StartMonth.Chinese(), Link: "/entitlements/" + itoa(e.ID)})
	}
	services, err := s.Services(ctx, p, hid)
	if err != nil {
		return nil, err
	}
	for _, sv := range services {
		out = append(out, ChainEvent{At: sv.ServedOn.Time(civil.China), Kind: "service", Title: t("case.service." + sv.Kind),
			Text: sv.Provider + " " + sv.Note})
	}
	for _, src := range s.ChainSources {
		more, err := src(ctx, p, hid)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}
