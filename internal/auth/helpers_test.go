package auth_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// cheap keeps argon2 fast in tests; hashes record their parameters, so checking stays cheap too.
var cheap = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// testPassword is the password of every bootstrapped fixture user.
const testPassword = "Laoshan2024pass"

// community is a 12-digit community under 中韩街道; the official data stop at streets.
const community = "370212001001"

// clock is a controllable Now for the service and the audit log.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a Service over a fresh database with the official divisions, one synthetic community and
// a fixed cast of users, all with testPassword and no pending password change.
type env struct {
	ctx   context.Context
	d     *db.DB
	svc   *auth.Service
	clock *clock
	keys  *pii.Keyring

	admin    *auth.User // city_admin 3702 (青岛市)
	laoshan  *auth.User // district_approver 370212 (崂山区)
	shinan   *auth.User // district_approver 370202 (市南区)
	zhonghan *auth.User // street_officer 370212001 (中韩街道)
	grid     *auth.User // grid_worker 370212001001
	auditor  *auth.User // auditor 3702
	feed     *auth.User // agency_feed 3702
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := region.Seed(ctx, d); err != nil {
		t.Fatalf("seed regions: %v", err)
	}
	if _, err := region.Insert(ctx, d, []region.Division{{Code: community, Name: "测试社区居民委员会",
		ParentCode: "370212001", Level: region.Community, Synthetic: true}}); err != nil {
		t.Fatalf("insert community: %v", err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatalf("keyring: %v", err)
	}
	c := &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	svc := auth.NewService(d, keys, &audit.Log{Now: c.Now}, c.Now)
	svc.Argon2 = cheap
	e := &env{ctx: ctx, d: d, svc: svc, clock: c, keys: keys}
	e.admin = e.bootstrap(t, auth.UserInput{Login: "admin", Name: "市级管理员", Role: auth.CityAdmin, Scope: "3702", Phone: "13812345678"})
	e.laoshan = e.bootstrap(t, auth.UserInput{Login: "laoshan", Name: "崂山审批", Role: auth.DistrictApprover, Scope: "370212", Phone: "13900001111"})
	e.shinan = e.bootstrap(t, auth.UserInput{Login: "shinan", Name: "市南审批", Role: auth.DistrictApprover, Scope: "370202"})
	e.zhonghan = e.bootstrap(t, auth.UserInput{Login: "zhonghan", Name: "中韩经办", Role: auth.StreetOfficer, Scope: "370212001"})
	e.grid = e.bootstrap(t, auth.UserInput{Login: "grid", Name: "网格员", Role: auth.GridWorker, Scope: community, Phone: "13700002222"})
	e.auditor = e.bootstrap(t, auth.UserInput{Login: "auditor", Name: "审计员", Role: auth.Auditor, Scope: "3702"})
	e.feed = e.bootstrap(t, auth.UserInput{Login: "feed", Name: "民政部接口", Role: auth.AgencyFeed, Scope: "3702"})
	return e
}

// bootstrap creates a fixture user with testPassword.
func (e *env) bootstrap(t *testing.T, in auth.UserInput) *auth.User {
	t.Helper()
	u, err := e.svc.Bootstrap(e.ctx, in, testPassword, false)
	if err != nil {
		t.Fatalf("bootstrap %s: %v", in.Login, err)
	}
	return u
}

// login signs in and fails the test if that does not work.
func (e *env) login(t *testing.T, login, password string) (string, *auth.Principal) {
	t.Helper()
	secret, p, err := e.svc.Login(e.ctx, login, password, "10.0.0.1", "go-test")
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return secret, p
}

// create has caller create a user and fails the test if that does not work.
func (e *env) create(t *testing.T, caller *auth.User, in auth.UserInput) (*auth.User, string) {
	t.Helper()
	u, password, err := e.svc.CreateUser(e.ctx, caller.Principal(), "10.0.0.1", in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Login, err)
	}
	return u, password
}

// alive reports whether secret still authenticates; an error other than Unauthenticated fails.
func (e *env) alive(t *testing.T, secret string) bool {
	t.Helper()
	_, err := e.svc.Authenticate(e.ctx, secret)
	if err != nil && apperr.KindOf(err) != apperr.Unauthenticated {
		t.Fatalf("authenticate: %v", err)
	}
	return err == nil
}

// auditActions returns the actions of the audit records that match f, oldest first.
func (e *env) auditActions(t *testing.T, f audit.Filter) []string {
	t.Helper()
	f.PerPage = audit.MaxPerPage
	recs, _, err := audit.Search(e.ctx, e.d, f)
	if err != nil {
		t.Fatalf("audit search: %v", err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[len(recs)-1-i] = r.Action
	}
	return out
}

// wantErr checks that err is an *apperr.Error of kind, about field ("" for none).
func wantErr(t *testing.T, err error, kind apperr.Kind, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %d field %q", kind, field)
	}
	ae := apperr.As(err)
	if ae.Kind != kind || ae.Field != field {
		t.Fatalf("err = %v (kind %d, field %q), want kind %d field %q", err, ae.Kind, ae.Field, kind, field)
	}
}

func ptr[T any](v T) *T { return &v }

// tableText returns every value of every row of table as text.
func tableText(t *testing.T, e *env, table string) []string {
	t.Helper()
	rows, err := e.d.Query(e.ctx, `SELECT * FROM `+table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		for _, v := range vals {
			out = append(out, v.String)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
