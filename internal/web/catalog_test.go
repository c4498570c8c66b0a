package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/msg"
)

// TestTemplatesUseKnownMessages checks every literal message key in the templates against the
// zh-CN catalogue, so a typo shows in a test, not as «key» on a page.
func TestTemplatesUseKnownMessages(t *testing.T) {
	cat := msg.Default()
	keyRE := regexp.MustCompile(`\{\{\s*T\s+"([^"]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if !cat.Has(m[1]) {
				t.Errorf("%s uses message key %q, missing from the zh-CN catalogue", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNavigationLinksOnlyRegisteredPages(t *testing.T) {
	s, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, r := range s.Routes() {
		registered[strings.TrimSuffix(r.Pattern, "{$}")] = true
	}
	for _, sec := range s.nav.sections(&auth.Principal{Role: auth.CityAdmin}, "/") {
		if !msg.Default().Has(sec.Title) {
			t.Errorf("nav section key %q not in catalogue", sec.Title)
		}
		for _, it := range sec.Items {
			if !registered[it.Path] {
				t.Errorf("nav links %q, which is not a registered page", it.Path)
			}
			if !msg.Default().Has(it.Label) {
				t.Errorf("nav label key %q not in catalogue", it.Label)
			}
		}
	}
}

func TestFormatInt(t *testing.T) {
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := formatInt(in); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", in, got, want)
		}
	}
}
