package app

import "fmt"

// The public application pages (/apply) are auth.Public: the matrix checks only that no caller
// gets a server error from them. Who may see a case is the citizen session's business, tested in
// citizen_web_test.go; here every caller is anonymous to the portal, so the pages behind the
// citizen sign-in answer with the redirect to it.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /apply":              func(accessTarget) accessRequest { return accessRequest{path: "/apply"} },
		"GET /apply/signin":       func(accessTarget) accessRequest { return accessRequest{path: "/apply/signin?next=/apply/new"} },
		"POST /apply/signin":      func(accessTarget) accessRequest { return form("/apply/signin", "phone=12345") },
		"POST /apply/signin/code": func(accessTarget) accessRequest { return form("/apply/signin/code", "phone=13800000000&code=1") },
		"POST /apply/signout":     func(accessTarget) accessRequest { return form("/apply/signout", "") },
		"GET /apply/new":          func(accessTarget) accessRequest { return accessRequest{path: "/apply/new"} },
		"POST /apply/new":         func(accessTarget) accessRequest { return form("/apply/new", "program=dibao") },
		"GET /apply/mine":         func(accessTarget) accessRequest { return accessRequest{path: "/apply/mine"} },
		"GET /apply/mine/{id}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/apply/mine/%d", t.cases.open.ID)}
		},
		"GET /apply/mine/{id}/decisions/{decision}": func(t accessTarget) accessRequest {
			return accessRequest{path: fmt.Sprintf("/apply/mine/%d/decisions/%d", t.cases.decided.ID, t.cases.decision)}
		},
		"POST /apply/mine/{id}/documents": func(t accessTarget) accessRequest {
			return form(fmt.Sprintf("/apply/mine/%d/documents", t.cases.open.ID), "kind=id_card")
		},
	})
}
