package app

import (
	"fmt"
)

// The access-matrix entries of the case API. Writes send a request the store refuses before it
// looks at the caller's role — a stale version (409) or a missing field (400) — so that a role
// holding the permission within scope gets neither 403 nor 404, while a target outside the scope
// still answers 404: the API looks the case, decision, entitlement or household up first.
func init() {
	caseAPI := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/api/v1/cases/%d%s", t.cases.open.ID, suffix)
	}
	entitlement := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/api/v1/entitlements/%d%s", t.cases.entitlement, suffix)
	}
	household := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/api/v1/households/%d%s", t.household, suffix)
	}
	stale := `{"version":0,"reason":"访问测试"}`
	noReason := `{"version":0,"reason":""}`
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /api/v1/cases":  func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/cases?queue=mine"} },
		"POST /api/v1/cases": func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/cases", `{"program":""}`) },
		"GET /api/v1/cases/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: caseAPI(t, "")}
		},
		"POST /api/v1/cases/{id}/actions": func(t accessTarget) accessRequest {
			return jsonReq("POST", caseAPI(t, "/actions"), `{"step":"visit","version":0}`)
		},
		"POST /api/v1/cases/{id}/extension": func(t accessTarget) accessRequest {
			return jsonReq("POST", caseAPI(t, "/extension"), stale)
		},
		"POST /api/v1/cases/{id}/withdrawal": func(t accessTarget) accessRequest {
			return jsonReq("POST", caseAPI(t, "/withdrawal"), stale)
		},
		"POST /api/v1/cases/{id}/objections/{objection}/resolution": func(t accessTarget) accessRequest {
			return jsonReq("POST", caseAPI(t, "/objections/999999/resolution"), `{"version":0,"upheld":false,"resolution":"访问测试"}`)
		},
		"POST /api/v1/cases/{id}/documents": func(t accessTarget) accessRequest {
			// A multipart body without a file: 400 within scope.
			return accessRequest{method: "POST", path: caseAPI(t, "/documents"), body: "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nid_card\r\n--b--\r\n",
				contentType: "multipart/form-data; boundary=b"}
		},
		"GET /api/v1/cases/{id}/documents/{doc}": func(t accessTarget) accessRequest {
			return accessRequest{path: caseAPI(t, fmt.Sprintf("/documents/%d", targetDocument(t)))}
		},
		"GET /api/v1/decisions/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/api/v1/decisions/%d", t.cases.decision)}
		},
		"POST /api/v1/decisions/{id}/appeals": func(t accessTarget) accessRequest {
			return jsonReq("POST", fmt.Sprintf("/api/v1/decisions/%d/appeals", t.cases.decision), `{"reason":""}`)
		},
		"GET /api/v1/entitlements/{id}": func(t accessTarget) accessRequest { return accessRequest{path: entitlement(t, "")} },
		"POST /api/v1/entitlements/{id}/suspension": func(t accessTarget) accessRequest {
			return jsonReq("POST", entitlement(t, "/suspension"), noReason)
		},
		"POST /api/v1/entitlements/{id}/resumption": func(t accessTarget) accessRequest {
			return jsonReq("POST", entitlement(t, "/resumption"), noReason)
		},
		"POST /api/v1/entitlements/{id}/termination": func(t accessTarget) accessRequest {
			return jsonReq("POST", entitlement(t, "/termination"), noReason)
		},
		"POST /api/v1/entitlements/{id}/reviews": func(t accessTarget) accessRequest {
			return jsonReq("POST", entitlement(t, "/reviews"), `{"reason":"scheduled","note":""}`)
		},
		"POST /api/v1/entitlements/{id}/deaths": func(t accessTarget) accessRequest {
			return jsonReq("POST", entitlement(t, "/deaths"), `{"version":0,"died_on":""}`)
		},
		"GET /api/v1/reviews/due": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/reviews/due?days=30"} },
		"GET /api/v1/households/{id}/chain": func(t accessTarget) accessRequest {
			return accessRequest{path: household(t, "/chain")}
		},
		"GET /api/v1/households/{id}/services": func(t accessTarget) accessRequest {
			return accessRequest{path: household(t, "/services")}
		},
		"POST /api/v1/households/{id}/services": func(t accessTarget) accessRequest {
			return jsonReq("POST", household(t, "/services"), `{"kind":""}`)
		},
		"GET /api/v1/reminders": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/reminders"} },
		"GET /api/v1/notice":    func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/notice?region=370212"} },
		"POST /api/v1/notice/{id}/objections": func(t accessTarget) accessRequest {
			return jsonReq("POST", fmt.Sprintf("/api/v1/notice/%d/objections", t.cases.open.ID), `{"content":"访问测试"}`)
		},
	})
}

// targetDocument is the document of the target's open case that GET …/documents/{doc} fetches.
// caseTargets carries no document yet: until makeCaseTargets uploads one (a caseTargets.document
// field set from m.svc.cases.AddDocument on the open case), no id can name a document in scope,
// and the matrix reports the in-scope callers of this route.
func targetDocument(t accessTarget) int64 { return t.cases.document }
