package app

import "fmt"

// The decision, entitlement, review, chain and public-notice pages. Action routes are sent
// requests the handler refuses as bad input (no confirmation, an unknown reason, no date) only
// after it has found the record within the caller's scope, so that the matrix sees 404 out of
// scope and no 403 for a holder of the permission, whatever role the store would require.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /decisions/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/decisions/%d", t.cases.decision)}
		},
		"POST /decisions/{id}/appeal": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/decisions/%d/appeal", t.cases.decision), "reason=")
		},
		"GET /entitlements/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/entitlements/%d", t.cases.entitlement)}
		},
		"POST /entitlements/{id}/suspend": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/entitlements/%d/suspend", t.cases.entitlement), "version=0&reason=测试")
		},
		"POST /entitlements/{id}/resume": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/entitlements/%d/resume", t.cases.entitlement), "version=0&reason=测试")
		},
		"POST /entitlements/{id}/terminate": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/entitlements/%d/terminate", t.cases.entitlement), "version=0&reason=测试")
		},
		"POST /entitlements/{id}/review": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/entitlements/%d/review", t.cases.entitlement), "reason=nonsense&note=测试")
		},
		"POST /entitlements/{id}/death": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/entitlements/%d/death", t.cases.entitlement), "version=0&died_on=")
		},
		"GET /reviews": func(accessTarget) accessRequest { return accessRequest{path: "/reviews"} },
		"GET /households/{id}/chain": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/households/%d/chain", t.household)}
		},
		"POST /households/{id}/services": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/households/%d/services", t.household), "kind=care&provider=测试&served_on=")
		},
		"GET /notice": func(t accessTarget) accessRequest { return accessRequest{path: "/notice?region=" + t.region} },
		"GET /notice/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/notice/%d", t.cases.open.ID)}
		},
		"POST /notice/{id}/objections": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/notice/%d/objections", t.cases.open.ID), "content=")
		},
	})
}
