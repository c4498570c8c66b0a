package app

import "fmt"

// The access-matrix entries of the case pages: work queues, case list, window intake, the case
// page and its actions. Every action handler finds the case within the caller's scope first (404
// outside it); the requests then carry a stale version (409) or no file (422), which the store or
// the handler refuses before it asks which role may perform the step, so that a holder of the
// permission gets neither 403 nor 404.
func init() {
	casePage := func(t accessTarget, suffix string) string {
		return fmt.Sprintf("/cases/%d%s", t.cases.open.ID, suffix)
	}
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /cases":        func(accessTarget) accessRequest { return accessRequest{path: "/cases?queue=overdue"} },
		"GET /cases/search": func(accessTarget) accessRequest { return accessRequest{path: "/cases/search?status=open"} },
		"GET /cases/new":    func(accessTarget) accessRequest { return accessRequest{path: "/cases/new"} },
		// No program: the intake is refused field by field (422) before the store asks who submits.
		"POST /cases/new": func(accessTarget) accessRequest { return form("/cases/new", "program=&applicant_name=") },
		"GET /cases/{id}": func(t accessTarget) accessRequest { return accessRequest{path: casePage(t, "")} },
		"POST /cases/{id}/act": func(t accessTarget) accessRequest {
			return form(casePage(t, "/act"), "step=visit&version=0&investigator1=甲&investigator2=乙&findings=属实")
		},
		"POST /cases/{id}/extend": func(t accessTarget) accessRequest {
			return form(casePage(t, "/extend"), "version=0&reason=访问测试")
		},
		"POST /cases/{id}/withdraw": func(t accessTarget) accessRequest {
			return form(casePage(t, "/withdraw"), "version=0&reason=访问测试&confirm=1")
		},
		"POST /cases/{id}/objections/{objection}": func(t accessTarget) accessRequest {
			return form(casePage(t, "/objections/999999"), "version=0&upheld=0&resolution=访问测试")
		},
		"POST /cases/{id}/documents": func(t accessTarget) accessRequest {
			// A multipart body without a file: 422 within scope.
			return accessRequest{method: "POST", path: casePage(t, "/documents"),
				body:        "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nid_card\r\n--b--\r\n",
				contentType: "multipart/form-data; boundary=b"}
		},
		"GET /cases/{id}/documents/{doc}": func(t accessTarget) accessRequest {
			return accessRequest{path: casePage(t, fmt.Sprintf("/documents/%d", targetDocument(t)))}
		},
	})
}
