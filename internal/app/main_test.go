package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// startDemo runs a whole demo server on :0 with a temporary data folder (or the given DSN). On
// SQLite the folder is a copy of the city this test binary generated once (demo_template_test.go).
func startDemo(t *testing.T, dsn string) *Main {
	t.Helper()
	m := NewMain()
	m.Demo = true
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DataDir = t.TempDir()
	m.Config.DB = dsn
	if dsn == "" {
		copyDemoDir(t, m.Config.DataDir)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// signIn logs a demo user in and returns a client that carries the session cookie.
func signIn(t *testing.T, m *Main, login string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	for _, l := range m.DemoLogins {
		if l.Login != login {
			continue
		}
		resp, err := c.PostForm(m.URL()+"/login", url.Values{"login": {login}, "password": {l.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path != "/" {
			t.Fatalf("log-in as %s ended on %s", login, resp.Request.URL)
		}
		return c
	}
	t.Fatalf("no demo user %s", login)
	return nil
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	return getWith(t, http.DefaultClient, url)
}

func getWith(t *testing.T, c *http.Client, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestDemoServesQingdao(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		m := startDemo(t, dsn)
		admin := signIn(t, m, "admin")
		code, body, _ := getWith(t, admin, m.URL()+"/")
		if code != http.StatusOK {
			t.Fatalf("home: status %d", code)
		}
		for _, district := range []string{"市南区", "市北区", "黄岛区", "崂山区", "李沧区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市"} {
			if !strings.Contains(body, district) {
				t.Errorf("home page lacks %s", district)
			}
		}
		if got := len(regexp.MustCompile(`href="/regions/3702\d\d"`).FindAllString(body, -1)); got != 10 {
			t.Errorf("home page links %d county units, want 10", got)
		}
		if !strings.Contains(body, `<div class="figure">141</div>`) {
			t.Errorf("home page does not total 141 streets")
		}

		code, body, _ = getWith(t, admin, m.URL()+"/regions/370212")
		if code != http.StatusOK || !strings.Contains(body, "中韩街道") || !strings.Contains(body, "/regions/370212") {
			t.Errorf("崂山区 page: status %d, missing 中韩街道", code)
		}

		code, body, _ = getWith(t, admin, m.URL()+"/api/v1/regions/3702")
		var reg struct {
			Name     string
			Children []struct {
				Code                 string
				Streets, Communities int
			}
		}
		if err := json.Unmarshal([]byte(body), &reg); err != nil || code != 200 {
			t.Fatalf("api: status %d err %v body %s", code, err, body)
		}
		streets, communities := 0, 0
		for _, c := range reg.Children {
			streets += c.Streets
			communities += c.Communities
		}
		if reg.Name != "青岛市" || len(reg.Children) != 10 || streets != 141 || communities == 0 {
			t.Errorf("api: %s with %d children, %d streets, %d communities", reg.Name, len(reg.Children), streets, communities)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

func TestOperationsEndpoints(t *testing.T) {
	m := startDemo(t, "")
	admin := signIn(t, m, "admin")
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/metrics", 200, "minzheng_http_requests_total"},
		{"/no/such/page", 404, "页面不存在"},
		{"/regions/999999", 404, "没有找到区划代码"},
		{"/api/v1/regions/abc", 400, `"field":"code"`},
		{"/api/v1/regions/999999", 404, `"code":"not_found"`},
		{"/api/v1/nothing", 404, `"error"`},
	}
	getWith(t, admin, m.URL()+"/") // so that /metrics has a request to report
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body, _ := getWith(t, admin, m.URL()+tt.path)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("status %d, want %d; body lacks %q:\n%.400s", code, tt.code, tt.want, body)
			}
		})
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	m := startDemo(t, "")
	_, body, _ := get(t, m.URL()+"/login")
	css := regexp.MustCompile(`/static/app\.[0-9a-f]{10}\.css`).FindString(body)
	if css == "" {
		t.Fatal("home page links no content-hashed app.css")
	}
	code, _, h := get(t, m.URL()+css)
	if code != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
		t.Fatalf("asset: %d %v", code, h)
	}
	if code, _, _ := get(t, m.URL()+"/static/app.0000000000.css"); code != 404 {
		t.Fatalf("stale hash served with %d", code)
	}
}

func TestDemoSecondRunReusesData(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		m := NewMain()
		m.Demo = true
		m.Stdout, m.Stderr = io.Discard, io.Discard
		m.Config.Addr, m.Config.DataDir = "127.0.0.1:0", dir
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := m.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM regions WHERE level = 5`).Scan(&n); err != nil || n == 0 {
			t.Fatalf("run %d: %d communities, err %v", i, n, err)
		}
		m.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, "minzheng.db")); err != nil {
		t.Fatal(err)
	}
}

func TestExecute(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		out, err string
	}{
		{"no args", nil, nil, 2, "", "Usage: minzheng"},
		{"unknown", []string{"frobnicate"}, nil, 2, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, nil, 0, "minzheng ", ""},
		{"serve help", []string{"serve", "-h"}, nil, 0, "", "-addr"},
		{"demo help", []string{"demo", "-h"}, nil, 0, "", "-reset"},
		{"migrate help", []string{"migrate", "-h"}, nil, 0, "", "-db"},
		{"bad flag", []string{"serve", "--nope"}, nil, 2, "", "flag provided but not defined: -nope"},
		{"bad addr", []string{"serve", "--addr", "nonsense", "--data", dir}, nil, 1, "", `--addr "nonsense"`},
		{"bad db", []string{"migrate", "--db", "mysql://x/y"}, nil, 1, "", "only SQLite paths and postgres://"},
		{"bad env", []string{"serve", "--data", dir}, map[string]string{"MINZHENG_LOG_LEVEL": "loud"}, 1, "", `--log-level "loud"`},
		{"unreachable postgres", []string{"migrate", "--db", "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2"}, nil, 1, "", "127.0.0.1:1"},
		{"migrate", []string{"migrate", "--data", dir}, nil, 0, "schema version", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := env{stdout: &out, stderr: &errOut, getenv: func(k string) string { return tt.env[k] }}
			code := execute(context.Background(), e, tt.args)
			if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errOut.String(), tt.err) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
			if strings.Contains(errOut.String(), "secret") {
				t.Errorf("password leaked: %s", errOut.String())
			}
		})
	}
}
