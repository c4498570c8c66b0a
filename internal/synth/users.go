package synth

import (
	"context"
	"fmt"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// Login is one demo account as the demo prints it.
type Login struct {
	Login    string
	Password string // empty for machine accounts, which use Token
	Token    string // API token of a machine account
	Role     auth.Role
	Where    string // the place it works, e.g. 崂山区 中韩街道
}

// demoUser places one user of each role somewhere realistic in Qingdao. Two street officers in
// different districts make scope visible: neither sees the other's street.
type demoUser struct {
	login, name string
	role        auth.Role
	scope       string // "" child means: the first community of the street scope
	org         int64
}

var demoUsers = []demoUser{
	{"admin", "市局管理员（示范）", auth.CityAdmin, "3702", 0},
	{"laoshan", "崂山区审核员（示范）", auth.DistrictApprover, "370212", 0},
	{"zhonghan", "中韩街道经办人（示范）", auth.StreetOfficer, "370212001", 0},
	{"badaguan", "八大关街道经办人（示范）", auth.StreetOfficer, "370202009", 0},
	{"grid", "社区网格员（示范）", auth.GridWorker, "", 0},
	{"canteen", "助餐机构操作员（示范）", auth.CanteenOperator, "370212001", 1},
	{"charity", "慈善组织（示范）", auth.Charity, "3702", 1},
	{"rescue", "救助管理站（示范）", auth.RescueStation, "3702", 1},
	{"auditor", "审计员（示范）", auth.Auditor, "3702", 0},
	{"feed", "部门数据接口（示范）", auth.AgencyFeed, "3702", 0},
}

// Users creates the demo's accounts, one per role, if the database has no users yet, and returns
// their log-ins with freshly generated passwords (and a token for the machine account). On a
// database that already has users it creates nothing and returns nil: the caller keeps the
// log-ins of the first run.
func Users(ctx context.Context, d *db.DB, svc *auth.Service) ([]Login, error) {
	var n int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	var out []Login
	var admin *auth.Principal
	for _, du := range demoUsers {
		scope := du.scope
		if scope == "" {
			c, err := firstCommunityCode(ctx, d, "370212001")
			if err != nil {
				return nil, err
			}
			scope = c
		}
		password := auth.RandomPassword()
		u, err := svc.Bootstrap(ctx, auth.UserInput{Login: du.login, Name: du.name, Role: du.role, Scope: scope,
			OrgID: du.org, Phone: demoPhone(len(out))}, password, false)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", du.login, err)
		}
		l := Login{Login: du.login, Password: password, Role: du.role, Where: placeName(ctx, d, scope)}
		if du.role == auth.CityAdmin {
			admin = u.Principal()
		}
		if du.role.IsMachine() {
			l.Password = ""
			if l.Token, _, err = svc.CreateToken(ctx, admin, u.ID, "示范数据接口", 365*24*time.Hour, ""); err != nil {
				return nil, fmt.Errorf("demo token: %w", err)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// demoPhone makes a number in the 170 block, which carriers reserve for virtual operators, so it
// reaches nobody's personal phone by accident.
func demoPhone(i int) string { return fmt.Sprintf("1700000%04d", 1000+i) }

func firstCommunityCode(ctx context.Context, d *db.DB, street string) (string, error) {
	var code string
	err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, street).Scan(&code)
	if err != nil {
		return "", fmt.Errorf("demo: no community under %s (generate regions first): %w", street, err)
	}
	return code, nil
}

func placeName(ctx context.Context, d *db.DB, code string) string {
	path, err := region.PathTo(ctx, d, code)
	if err != nil {
		return code
	}
	name := ""
	for _, p := range path {
		if p.Level > region.City || (p.Level == region.City && len(path) == 2) {
			if name != "" {
				name += " "
			}
			name += p.Name
		}
	}
	return name
}
