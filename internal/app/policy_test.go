package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/audit"
)

const dibaoRequest = `{"program":"dibao","date":"2024-03-01","region_code":"370283100201","hukou":"rural",
 "members":[{"id":"a","birth_date":"1950-03-04","covered":true,"monthly_incomes":[{"kind":"wage","amount_fen":30000}]},
            {"id":"b","birth_date":"1952-07-08","covered":true}]}`

func postJSON(t *testing.T, c *http.Client, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func TestCalculationsSimulationAndParams(t *testing.T) {
	m := startDemo(t, "")
	admin := signIn(t, m, "admin")
	code, res := postJSON(t, admin, m.URL()+"/api/v1/calculations", dibaoRequest)
	// 平度 rural 2024: standard 860; per capita 150; (860 − 150) × 2 = 1420, plus 10 % of 860 for each
	// member aged 70+ (分类施保): 1592.
	if code != 200 || res["eligible"] != true || res["monthly_amount_fen"] != float64(159200) || res["standard_fen"] != float64(86000) {
		t.Fatalf("calculation: %d %v", code, res)
	}
	if code, _ := postJSON(t, admin, m.URL()+"/api/v1/calculations", `{"program":"nope","date":"2024-03-01"}`); code != 400 {
		t.Fatalf("unknown program: %d", code)
	}
	code, sim := postJSON(t, admin, m.URL()+"/api/v1/simulations",
		`{"program":"dibao","date":"2024-06-01","parameter":"dibao.standard","from":"2024-06-01","change_permille":50}`)
	total, _ := sim["total"].(map[string]any)
	if code != 200 || total["households"] != float64(3000) || total["monthly_change_fen"].(float64) <= 0 {
		t.Fatalf("simulation: %d %v", code, sim)
	}
	// Next year's standard for 平度, entered by the city administrator, changes the result.
	code, _ = postJSON(t, admin, m.URL()+"/api/v1/policy/params",
		`{"name":"dibao.standard","region_code":"370283","hukou":"rural","valid_from":"2025-01-01","value":90000,"unit":"fen/month","official":false,"source":"测试"}`)
	if code != 201 {
		t.Fatalf("add param: %d", code)
	}
	code, res = postJSON(t, admin, m.URL()+"/api/v1/calculations", strings.Replace(dibaoRequest, "2024-03-01", "2025-02-01", 1))
	if code != 200 || res["standard_fen"] != float64(90000) {
		t.Fatalf("after the new standard: %d %v", code, res["standard_fen"])
	}
	code, _ = postJSON(t, admin, m.URL()+"/api/v1/policy/params",
		`{"name":"dibao.standard","region_code":"370283","hukou":"rural","valid_from":"2024-06-01","value":1,"unit":"fen/month","official":false,"source":"重叠"}`)
	if code != 400 {
		t.Fatalf("a value before the latest one must be refused: %d", code)
	}
	// An anti-fraud cap of zero would flag every meal: the meals package's check refuses it at entry.
	code, res = postJSON(t, admin, m.URL()+"/api/v1/policy/params",
		`{"name":"meals.fraud.daily_cap.max_meals","region_code":"370212","valid_from":"2025-01-01","value":0,"unit":"count","official":false,"source":"测试"}`)
	if code != 400 || !strings.Contains(fmt.Sprint(res), "每人每日用餐上限") {
		t.Fatalf("an anti-fraud cap of 0 must be refused with its label: %d %v", code, res)
	}
	if code, _ := postJSON(t, signIn(t, m, "laoshan"), m.URL()+"/api/v1/policy/params", `{"name":"x"}`); code != 403 {
		t.Fatalf("district approver adding a parameter: %d", code)
	}
	recs, _, err := audit.Search(context.Background(), m.DB, audit.Filter{Action: "policy.change"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("policy.change audit events: %d %v", len(recs), err)
	}
}

func TestCLICalc(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	stdin = bytes.NewBufferString(dibaoRequest)
	code, out, errOut := runCLI(t, t.TempDir(), "calc", "--program", "dibao")
	if code != 0 || !strings.Contains(out, `"monthly_amount_fen": 159200`) || !strings.Contains(out, "低保标准 ¥860.00") {
		t.Fatalf("calc: %d %s %s", code, out, errOut)
	}
	stdin = bytes.NewBufferString(`{"program":"dibao","unknown":1}`)
	if code, _, errOut := runCLI(t, t.TempDir(), "calc"); code != 1 || !strings.Contains(errOut, "unknown") {
		t.Fatalf("bad request: %d %s", code, errOut)
	}
}
