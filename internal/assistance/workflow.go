package assistance

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/civil"
)

//go:embed workflows.json
var workflowsJSON []byte

// Level says who performs a step: the street (镇街) office, the district (区县) approver, the
// system itself, or — for 临时救助 — whichever of street and district the amount calls for.
type Level string

// The levels of a step.
const (
	Street   Level = "street"
	District Level = "district"
	System   Level = "system"
	ByAmount Level = "by_amount"
)

// The step keys. Each names one statutory act of DOMAIN.md §3–§7.
const (
	StepAccept   = "accept"   // 受理
	StepCheck    = "check"    // 家庭经济状况核对 (automatic)
	StepVisit    = "visit"    // 入户调查
	StepMeeting  = "meeting"  // 民主评议
	StepNotice   = "notice"   // 公示
	StepCouncil  = "council"  // 一事一议
	StepAdvance  = "advance"  // 先行救助
	StepComplete = "complete" // 补齐材料
	StepApprove  = "approve"  // 审核确认 and the decision notice
)

var stepKeys = []string{StepAccept, StepCheck, StepVisit, StepMeeting, StepNotice, StepCouncil, StepAdvance, StepComplete, StepApprove}

// StepDef is one step of a workflow as the rules define it.
type StepDef struct {
	Step  string `json:"step"`
	Level Level  `json:"level"`
	// Due is the number of working days from the step's opening it must be done within.
	Due int `json:"due"`
	// DueDays is, instead, a number of calendar days, for the limits the rules set in hours or
	// days rather than working days (急难型: help within 24 hours, paperwork within 5 days),
	// which a holiday must not stretch.
	DueDays int `json:"due_days,omitempty"`
	// NoticeDays is the length of a public notice in calendar days.
	NoticeDays int `json:"notice_days"`
	// When names the condition that includes the step: "" (always), needs_meeting, escalation.
	When string `json:"when"`
}

// Workflow is the definition of one kind of case for one program.
type Workflow struct {
	// CaseDays is the statutory limit of the whole case in working days from acceptance, and
	// ExtendedDays the limit after an extension with a reason.
	CaseDays     int `json:"case_days"`
	ExtendedDays int `json:"extended_days"`
	// ReviewMonths is the interval of scheduled reviews of the entitlement it grants; 0 means
	// the program pays once and is never reviewed.
	ReviewMonths int       `json:"review_months"`
	Source       string    `json:"source"`
	Steps        []StepDef `json:"steps"`
}

// Step returns the definition of step key, if the workflow has it.
func (w *Workflow) Step(key string) (StepDef, bool) {
	for _, s := range w.Steps {
		if s.Step == key {
			return s, true
		}
	}
	return StepDef{}, false
}

// The kinds of case.
const (
	KindApply  = "apply"  // a first application
	KindReview = "review" // a scheduled review or a change of circumstances of an entitlement
	KindAppeal = "appeal" // 复核 against a decision
)

// workflows holds every definition: kind → program (or "*") → workflow.
var workflows = mustLoadWorkflows(workflowsJSON)

func mustLoadWorkflows(b []byte) map[string]map[string]*Workflow {
	w, err := loadWorkflows(b)
	if err != nil {
		panic("assistance: workflows.json: " + err.Error())
	}
	return w
}

func loadWorkflows(b []byte) (map[string]map[string]*Workflow, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := map[string]map[string]*Workflow{}
	for kind, body := range raw {
		if kind == "_comment" {
			continue
		}
		if kind != KindApply && kind != KindReview && kind != KindAppeal {
			return nil, fmt.Errorf("unknown case kind %q", kind)
		}
		var byProgram map[string]*Workflow
		if err := json.Unmarshal(body, &byProgram); err != nil {
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		for program, w := range byProgram {
			if err := w.validate(); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", kind, program, err)
			}
		}
		out[kind] = byProgram
	}
	return out, nil
}

func (w *Workflow) validate() error {
	if w.CaseDays <= 0 || w.ExtendedDays < w.CaseDays {
		return fmt.Errorf("case_days %d / extended_days %d", w.CaseDays, w.ExtendedDays)
	}
	if len(w.Steps) == 0 || w.Steps[len(w.Steps)-1].Step != StepApprove {
		return fmt.Errorf("the last step must be %s", StepApprove)
	}
	seen := map[string]bool{}
	for i, s := range w.Steps {
		switch {
		case !slices.Contains(stepKeys, s.Step):
			return fmt.Errorf("steps[%d]: unknown step %q", i, s.Step)
		case seen[s.Step]:
			return fmt.Errorf("steps[%d]: %s twice", i, s.Step)
		case s.Level != Street && s.Level != District && s.Level != System && s.Level != ByAmount:
			return fmt.Errorf("steps[%d]: unknown level %q", i, s.Level)
		case s.When != "" && s.When != "needs_meeting" && s.When != "escalation":
			return fmt.Errorf("steps[%d]: unknown condition %q", i, s.When)
		case s.Step == StepNotice && s.NoticeDays <= 0:
			return fmt.Errorf("steps[%d]: a notice needs notice_days", i)
		case s.Step != StepNotice && (s.Due <= 0) == (s.DueDays <= 0):
			return fmt.Errorf("steps[%d]: exactly one of due and due_days must be positive", i)
		}
		seen[s.Step] = true
	}
	return nil
}

// dueFrom is the due date of step def opened on day opened: its working days by cal, or its
// calendar days.
func (def StepDef) dueFrom(cal *civil.Calendar, opened civil.Date) civil.Date {
	if def.DueDays > 0 {
		return opened.AddDays(def.DueDays)
	}
	return cal.AddWorkingDays(opened, def.Due)
}

// WorkflowFor returns the workflow of a case kind for a program and subtype (临时救助 急难型 has
// its own fast path).
func WorkflowFor(kind, program, subtype string) (*Workflow, error) {
	byProgram := workflows[kind]
	if w, ok := byProgram["*"]; ok {
		return w, nil
	}
	if subtype != "" {
		if w, ok := byProgram[program+"."+subtype]; ok {
			return w, nil
		}
	}
	if w, ok := byProgram[program]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("no %s workflow for program %q", kind, program)
}

// Programs lists the programs one can apply for, in display order.
func Programs() []string {
	return []string{"dibao", "tekun", "dibao_edge", "rigid_expense", "illness_poverty", "temporary",
		"orphan", "de_facto_orphan", "vulnerable_child", "disability_living", "disability_care"}
}
