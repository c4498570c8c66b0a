package monitor

import (
	"context"
	"strconv"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
)

// ChainEvents are household hid's warnings for its assistance chain (一户一条救助链), within p's
// scope: each with its rule, state and, once closed, its outcome. Its signature is
// assistance.ChainSource, so the wiring adds it to the assistance store's ChainSources.
func (s *Store) ChainEvents(ctx context.Context, p *auth.Principal, hid int64) ([]assistance.ChainEvent, error) {
	scope, args := p.ScopeCondition("region_code")
	ws, err := s.householdWarnings(ctx, `household_id = ? AND `+scope, append([]any{hid}, args...)...)
	if err != nil {
		return nil, err
	}
	t := msg.Default().T
	out := make([]assistance.ChainEvent, 0, len(ws))
	for _, w := range ws {
		at, _ := db.ParseTime(w.CreatedAt)
		title := t("monitor.chain.title", RuleLabel(w.Rule), t("monitor.state."+w.State))
		text := w.Summary
		if w.Outcome != "" {
			text += " · " + t("monitor.outcome."+w.Outcome)
			if w.OutcomeNote != "" {
				text += "：" + w.OutcomeNote
			}
		}
		out = append(out, assistance.ChainEvent{At: at, Kind: "warning", Title: title, Text: text,
			Link: "/monitor/warnings/" + strconv.FormatInt(w.ID, 10)})
	}
	return out, nil
}

// AgencyCheck reports, for 家庭经济状况核对, what cross-agency monitoring raised about household
// householdID in the last 12 months: one item per warning (not passed unless dismissed after
// a visit), or one passed item saying nothing was raised. Its signature is
// assistance.AgencyCheck, so the wiring sets it on the assistance store. It is not scoped: the
// check runs for the case handler whose case already names the household.
func (s *Store) AgencyCheck(ctx context.Context, householdID int64) ([]assistance.CheckItem, error) {
	since := db.FormatTime(s.now().AddDate(-1, 0, 0))
	ws, err := s.householdWarnings(ctx, `household_id = ? AND created_at >= ?`, householdID, since)
	if err != nil {
		return nil, err
	}
	t := msg.Default().T
	source := t("monitor.check.source")
	if len(ws) == 0 {
		return []assistance.CheckItem{{Source: source, Result: t("monitor.check.none"), OK: true}}, nil
	}
	out := make([]assistance.CheckItem, 0, len(ws))
	for _, w := range ws {
		state := t("monitor.state." + w.State)
		if w.Outcome != "" {
			state = t("monitor.outcome." + w.Outcome)
		}
		out = append(out, assistance.CheckItem{Source: source + " · " + RuleLabel(w.Rule),
			Result: t("monitor.check.item", createdOn(w.CreatedAt).String(), w.Summary, state), OK: w.Outcome == OutcomeDismiss})
	}
	return out, nil
}

// householdWarnings reads the warnings matching cond, oldest first.
func (s *Store) householdWarnings(ctx context.Context, cond string, args ...any) ([]*Warning, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+warningSelect+` FROM monitor_warnings WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Warning
	for rows.Next() {
		w, err := readWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
