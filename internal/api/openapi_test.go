package api

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOpenAPIMatchesRoutes fails when a route is registered without being documented, or
// documented without being registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q, want 3.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	var registered []string
	for _, r := range New(Deps{}).Routes() {
		registered = append(registered, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Fatalf("registered routes (-) differ from openapi.json (+):\n%s", diff)
	}
}

// TestOpenAPIPermissions checks that each operation's x-permission names the permission the
// route really requires, so API clients can read the access policy from the document.
func TestOpenAPIPermissions(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Perm string `json:"x-permission"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range New(Deps{}).Routes() {
		got := doc.Paths[r.Path][strings.ToLower(r.Method)].Perm
		if got != string(r.Perm) {
			t.Errorf("%s %s: openapi.json says x-permission %q, route requires %q", r.Method, r.Path, got, r.Perm)
		}
	}
}
