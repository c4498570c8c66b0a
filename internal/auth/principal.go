package auth

import (
	"context"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// Principal is the caller of a request: who, in what role, over which area. Store functions take
// it to limit what they read and write.
type Principal struct {
	UserID int64
	Login  string
	Name   string
	Role   Role
	Scope  region.Scope
	OrgID  int64
	// MustChangePassword is set until the user replaces an initial password.
	MustChangePassword bool
	// TokenID is set when the caller authenticated with an API token.
	TokenID int64
}

// ScopeCondition is the SQL condition that limits a region-code column to what the principal's
// scope covers, as an index range; a malformed scope sees nothing, as Scope.Contains says. Every
// store that reads by region uses it, so scope is enforced the same way everywhere.
func (p *Principal) ScopeCondition(column string) (string, []any) {
	if p.Scope == region.Nationwide {
		return "1 = 1", nil
	}
	if p.Scope.Level() == 0 {
		return "1 = 0", nil
	}
	return db.PrefixRange(column, p.Scope.Code())
}

// Can reports whether the principal holds permission p.
func (p *Principal) Can(perm Permission) bool { return p != nil && p.Role.Has(perm) }

// Sees reports whether a record in region code lies within the principal's scope.
func (p *Principal) Sees(code string) bool { return p != nil && p.Scope.Contains(code) }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of the request, or nil for an anonymous caller.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// System is the principal of the command line: someone with shell access to the server and its
// database, who can do anything a city administrator anywhere can. Audit events name it "system".
func System() *Principal {
	return &Principal{Login: "system", Name: "system", Role: CityAdmin, Scope: region.Nationwide}
}
