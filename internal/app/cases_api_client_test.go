package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
)

// apiCase is the part of a case of the API the tests read.
type apiCase struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Status      string `json:"status"`
	CurrentStep string `json:"current_step"`
	Version     int    `json:"version"`
	HouseholdID int64  `json:"household_id"`
	AppealOf    int64  `json:"appeal_of"`
	CanAct      bool   `json:"can_act"`
	Current     *struct {
		Step  string `json:"step"`
		Level string `json:"level"`
	} `json:"current"`
	Steps []struct {
		Step   string `json:"step"`
		Status string `json:"status"`
	} `json:"steps"`
	Objections []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"objections"`
	Decisions []apiDecision `json:"decisions"`
}

type apiDecision struct {
	ID                   int64  `json:"id"`
	DocNo                string `json:"doc_no"`
	Kind                 string `json:"kind"`
	AmountFen            int64  `json:"amount_fen"`
	OneOff               bool   `json:"one_off"`
	Corrects             int64  `json:"corrects"`
	GrantedEntitlementID int64  `json:"granted_entitlement_id"`
}

type apiError struct {
	Error struct{ Code, Message, Field string } `json:"error"`
}

// caseAPI is a demo server and the people who call its case API.
type caseAPI struct {
	t                                 *testing.T
	m                                 *Main
	zhonghan, laoshan, grid, badaguan *http.Client
	anonymous                         *http.Client
	community, today                  string
	seq                               int
}

func newCaseAPI(t *testing.T, dsn string) *caseAPI {
	t.Helper()
	m := startDemo(t, dsn)
	c := &caseAPI{t: t, m: m, zhonghan: signIn(t, m, "zhonghan"), laoshan: signIn(t, m, "laoshan"), grid: signIn(t, m, "grid"),
		badaguan: signIn(t, m, "badaguan"), anonymous: &http.Client{}, today: civil.Today(m.Now()).String()}
	// The grid worker's community: the first of 中韩街道.
	if err := m.DB.QueryRow(context.Background(), `SELECT MIN(code) FROM regions WHERE parent_code = '370212001'`).Scan(&c.community); err != nil {
		t.Fatal(err)
	}
	return c
}

// call sends a JSON body (or none) and returns the status and the raw answer.
func (c *caseAPI) call(who *http.Client, method, path, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.m.URL()+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(who, req)
}

func (c *caseAPI) send(who *http.Client, req *http.Request) (int, []byte) {
	c.t.Helper()
	resp, err := who.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// must sends a request that must answer want, and decodes the answer into out (when not nil).
func (c *caseAPI) must(who *http.Client, method, path, body string, want int, out any) {
	c.t.Helper()
	code, b := c.call(who, method, path, body)
	if code != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// refused sends a request that must fail with status and error code.
func (c *caseAPI) refused(who *http.Client, method, path, body string, status int, code string) {
	c.t.Helper()
	got, b := c.call(who, method, path, body)
	var e apiError
	_ = json.Unmarshal(b, &e)
	if got != status || e.Error.Code != code {
		c.t.Errorf("%s %s: status %d code %q, want %d %q: %s", method, path, got, e.Error.Code, status, code, b)
	}
}

// household registers, through the API as the street officer, a one-person household without
// income in the grid worker's community, and returns its id and the head's ID number. disabled
// gives the head a grade-1 physical disability and the household the 低保 tier.
func (c *caseAPI) household(name string, disabled bool) (int64, string) {
	c.t.Helper()
	c.seq++
	// 370199 is a code the demo generator never uses, so the number is nobody else's.
	number := string(idcard.Synthesize("370199", civil.Date{Year: 1951, Month: 4, Day: 3}, 700+c.seq))
	extra, tiers := "", "[]"
	if disabled {
		extra = fmt.Sprintf(`,"disability":{"certificate":"%s11","kind":"physical","grade":1}`, number)
		tiers = `[{"tier":"dibao","valid_from":"2023-01-01"}]`
	}
	body := fmt.Sprintf(`{"region_code":%q,"address":"测试路%d号","hukou":"urban","hukou_region":"370212",
		"members":[{"name":%q,"id_number":%q,"relation":"head"%s}],"tiers":%s}`, c.community, c.seq, name, number, extra, tiers)
	var h struct{ ID int64 }
	c.must(c.zhonghan, "POST", "/households", body, http.StatusCreated, &h)
	return h.ID, number
}

// intake files a window application for the head of household hid as the street officer.
func (c *caseAPI) intake(program, subtype string, hid int64, name, number string, expenseFen int64) apiCase {
	c.t.Helper()
	body := fmt.Sprintf(`{"program":%q,"subtype":%q,"region_code":"370212001","household_id":%d,"applicant_name":%q,
		"id_number":%q,"address":"测试路","hukou":"urban","reason":"看病花费大，生活困难","details":{"expense_fen":%d}}`,
		program, subtype, hid, name, number, expenseFen)
	var out apiCase
	c.must(c.zhonghan, "POST", "/cases", body, http.StatusCreated, &out)
	return out
}

// act performs an action and returns the case as it then stands.
func (c *caseAPI) act(who *http.Client, id int64, body string) apiCase {
	c.t.Helper()
	var out apiCase
	c.must(who, "POST", fmt.Sprintf("/cases/%d/actions", id), body, http.StatusOK, &out)
	return out
}

func (c *caseAPI) visit(cs apiCase) string {
	return fmt.Sprintf(`{"step":"visit","version":%d,"visit":{"investigators":["王调查","李调查"],"visited_on":%q,
		"living":"一室一厅","findings":"家庭情况与申报一致","needs_meeting":false}}`, cs.Version, c.today)
}

// run runs fn as a named subtest of the current test, with c reporting to it meanwhile.
func (c *caseAPI) run(name string, fn func()) {
	parent := c.t
	defer func() { c.t = parent }()
	parent.Run(name, func(t *testing.T) {
		c.t = t
		fn()
	})
}
