package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/region"
)

// payoutTargets are the payout records of a target household: the draft 临时救助 roster of this
// month for its district, which carries the one-off payment of its decided case.
type payoutTargets struct {
	roster int64
}

// payoutTargetsOf holds the payout targets of each target community until accessTarget carries
// them: makePayoutTargets records them here, and the route cases look them up by the target's
// community (userScope).
var payoutTargetsOf sync.Map

// makePayoutTargets records a payee for household hid of community (which makeCaseTargets has
// given a decided 临时救助 with a one-off entitlement) and generates, as the city administrator,
// this month's 临时救助 roster of the community's district, left a draft.
func makePayoutTargets(t *testing.T, m *Main, community string, hid int64) payoutTargets {
	t.Helper()
	ctx := context.Background()
	admin := &auth.Principal{Login: "target.admin", Role: auth.CityAdmin, Scope: region.Scope("3702")}
	if err := m.svc.payout.SetPayee(ctx, admin, hid, "目标户主", "中国工商银行青岛分行", "6222020000001234", ""); err != nil {
		t.Fatal(err)
	}
	ro, err := m.svc.payout.Generate(ctx, admin, civil.MonthOf(civil.Today(m.Now())), "temporary", community[:6])
	if err != nil {
		t.Fatal(err)
	}
	pt := payoutTargets{roster: ro.ID}
	payoutTargetsOf.Store(community, pt)
	return pt
}

// targetRoster is the roster of the target's district that the roster routes name.
func targetRoster(t accessTarget) int64 {
	pt, _ := payoutTargetsOf.Load(t.userScope)
	p, _ := pt.(payoutTargets)
	return p.roster
}

// The access-matrix entries of the payout pages and API. Writes send what the adapter refuses
// after it has found the roster or household in the caller's scope but before the store looks
// at the caller's role (no confirmation, no version, no file, an empty body): a holder of the
// permission within scope gets neither 403 nor 404, and a target outside the scope still 404.
func init() {
	roster := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/payouts/%d%s", targetRoster(t), suffix)
	}
	payee := func(t accessTarget) string { return fmt.Sprintf("/households/%d/payee", t.household) }
	month := func() string { return civil.MonthOf(civil.Today(time.Now())).String() }
	noFile := func(path string) accessRequest {
		return accessRequest{method: "POST", path: path, body: "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n",
			contentType: "multipart/form-data; boundary=b"}
	}
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /payouts":           func(accessTarget) accessRequest { return accessRequest{path: "/payouts?program=temporary"} },
		"POST /payouts/generate": func(accessTarget) accessRequest { return form("/payouts/generate", "month=&program=temporary") },
		"GET /payouts/{id}":      func(t accessTarget) accessRequest { return accessRequest{path: roster(t, "")} },
		"POST /payouts/{id}/approve": func(t accessTarget) accessRequest {
			return form(roster(t, "/approve"), "version=1") // no confirmation: 422
		},
		"GET /payouts/ledger": func(accessTarget) accessRequest { return accessRequest{path: "/payouts/ledger?month=" + month()} },
		"GET /payouts/stats": func(accessTarget) accessRequest {
			return accessRequest{path: "/payouts/stats?from=" + month() + "&to=" + month()}
		},
		"GET /households/{id}/payee":  func(t accessTarget) accessRequest { return accessRequest{path: payee(t)} },
		"POST /households/{id}/payee": func(t accessTarget) accessRequest { return form(payee(t), "holder_name=&bank=&account=") },

		"GET /api/v1/payouts":  func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/payouts?program=temporary"} },
		"POST /api/v1/payouts": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/payouts", `{"month":""}`) },
		"GET /api/v1/payouts/stats": func(accessTarget) accessRequest {
			return accessRequest{path: "/api/v1/payouts/stats?from=" + month()}
		},
		"GET /api/v1/payouts/{id}":       func(t accessTarget) accessRequest { return accessRequest{path: "/api/v1" + roster(t, "")} },
		"GET /api/v1/payouts/{id}/lines": func(t accessTarget) accessRequest { return accessRequest{path: "/api/v1" + roster(t, "/lines")} },
		"POST /api/v1/payouts/{id}/approval": func(t accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1"+roster(t, "/approval"), `{"version":0}`) // 400
		},
		"POST /api/v1/payouts/{id}/returns": func(t accessTarget) accessRequest {
			return jsonReq("POST", "/api/v1"+roster(t, "/returns"), `[]`) // 400
		},
		"GET /api/v1/ledger/trial-balance": func(accessTarget) accessRequest {
			return accessRequest{path: "/api/v1/ledger/trial-balance?month=" + month()}
		},
		"GET /api/v1/ledger/verification": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/ledger/verification"} },
		"GET /api/v1/households/{id}/payee": func(t accessTarget) accessRequest {
			return accessRequest{path: "/api/v1" + payee(t)}
		},
		"PUT /api/v1/households/{id}/payee": func(t accessTarget) accessRequest {
			return jsonReq("PUT", "/api/v1"+payee(t), `{"holder_name":""}`) // 400
		},
		"GET /payouts/{id}/export": func(t accessTarget) accessRequest {
			return accessRequest{path: roster(t, "/export?format=csv")} // a draft: 409
		},
		"POST /payouts/{id}/returns": func(t accessTarget) accessRequest { return noFile(roster(t, "/returns")) },
	})
}
