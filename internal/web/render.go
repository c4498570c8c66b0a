package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

//go:embed templates/*.html
var templateFiles embed.FS

// page is what every template receives: the layout's needs plus the page's own Content.
type page struct {
	Title     string
	Nav       []navSection
	DocNumber string
	User      *auth.Principal
	ScopeName string
	Content   any
}

// parseTemplates builds one template set per page file, each joined with the layout, so pages
// may all define "content" without clashing.
func (s *Site) parseTemplates() error {
	entries, err := templateFiles.ReadDir("templates")
	if err != nil {
		return err
	}
	funcs := template.FuncMap{
		"T":     s.msg.T,
		"asset": s.assets.url,
		"num":   formatInt,
		"date":  formatDate,
		"time":  formatTime,
		"key":   func(prefix string, v any) string { return prefix + "." + fmt.Sprint(v) },
		"mf":    func(i int, name string) string { return fmt.Sprintf("members[%d].%s", i, name) },
		"has":   func(vs []string, v string) bool { return slices.Contains(vs, v) },
		"inc":   func(i int) int { return i + 1 },
		"list":  func(v ...string) []string { return v },
		"yuan":  func(f money.Fen) string { return f.String() },
	}
	s.pages = map[string]*template.Template{}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return nil
}

// render writes a full page. It renders into a buffer first so that a template error becomes a
// clean 500 page instead of half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name, title string, content any) {
	t, ok := s.pages[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no page template %q", name))
		return
	}
	var buf bytes.Buffer
	user := auth.FromContext(r.Context())
	p := page{Title: title, Nav: s.nav.sections(user, r.URL.Path), User: user, Content: content}
	if user != nil {
		p.ScopeName = s.scopeName(r, user.Scope.Code())
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		if name == "error" {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// scopeName names a scope as the top bar shows it: "青岛市 / 崂山区 / 中韩街道", or 全国 for
// a nationwide scope.
func (s *Site) scopeName(r *http.Request, code string) string {
	if code == "" {
		return s.msg.T("scope.nationwide")
	}
	path, err := region.PathTo(r.Context(), s.deps.DB, code)
	if err != nil {
		return code
	}
	var names []string
	for _, d := range path {
		if d.Level >= region.City {
			names = append(names, d.Name)
		}
	}
	return strings.Join(names, " / ")
}

// regionBelow names a region by its path below the caller's scope, as UI.md asks: a 崂山区 user
// sees "中韩街道 / 张村社区".
func (s *Site) regionBelow(r *http.Request, p *auth.Principal, code string) string {
	path, err := region.PathTo(r.Context(), s.deps.DB, code)
	if err != nil {
		return code
	}
	var names []string
	for _, d := range path {
		if d.Level > p.Scope.Level() && d.Level > region.City {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return path[len(path)-1].Name
	}
	return strings.Join(names, " / ")
}

type errorContent struct{ Message string }

// renderError shows the Chinese error page for an error of any kind; internal errors are logged
// with their detail and shown generically.
func (s *Site) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	status := apperr.Status(e.Kind)
	if e.Kind == apperr.Internal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e.Message = s.msg.T("error.internal")
	}
	s.render(w, r, status, "error", s.msg.T(statusTitleKey(status)), errorContent{Message: e.Message})
}

func (s *Site) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderError(w, r, err)
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, apperr.NotFoundf("%s", s.msg.T("error.notfound")))
}

func statusTitleKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "error.title.404"
	case http.StatusBadRequest:
		return "error.title.400"
	case http.StatusForbidden, http.StatusUnauthorized:
		return "error.title.403"
	case http.StatusTooManyRequests:
		return "error.title.429"
	case http.StatusConflict:
		return "error.title.409"
	default:
		return "error.title.500"
	}
}

// formatInt writes an integer with thousands separators, as counts appear in Chinese reports.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatDate writes a date as tables show it, 2024-03-01, in China Standard Time.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02")
}

// formatTime writes an instant as tables show it, 2024-03-01 14:05, in China Standard Time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

// chinaTime is where dates and times are shown.
var chinaTime = civil.China
