// Package citizen signs members of the public in by mobile number and a one-time code sent to
// that number, for the public pages: relatives ordering meals for an elderly parent, applicants
// following their own case.
//
// Why a code and not a password: the people at the screen are often elderly, sign in a few times
// a year, and would forget a password or write it on the phone's case. Every mainland mobile
// number is registered to a real name (实名制), so possession of the number is the identity the
// public pages need, and a forgotten password can never lock anyone out.
//
// Why citizens are not auth users: staff users have roles, scopes and passwords; a citizen has
// none of these and sees only their own records. Separate tables and a separate cookie (CookieName)
// mean a citizen's session can never open a staff page, whatever a handler forgets to check.
//
// What is stored, and why:
//   - citizens: the phone number sealed (pii.Seal, field PhoneField), its keyed hash for the
//     look-up at sign-in, and the masked form for pages and the audit log.
//   - citizen_codes: a keyed hash (HMAC) of each code, bound to the phone, never the code: six
//     digits are only a million values, so an unkeyed hash in a copied database would give every
//     live code away. The rows are also the throttle's memory and are deleted after a day.
//   - citizen_sessions: the SHA-256 of a 32-byte random secret, as for staff sessions, so a copied
//     table opens no session.
//
// Guessing: a code allows Rules.MaxAttempts tries and each phone gets at most
// Rules.MaxCodesPerPhonePerDay codes, so an attacker makes at most 50 guesses a day at one
// number out of a million codes — and the owner receives every one of those codes by SMS.
//
// Known limit: on PostgreSQL two requests for the same number at the same instant can both pass
// the throttle (it counts, then inserts, under READ COMMITTED); the cost is one extra SMS, which
// did not justify a lock table. SQLite serialises writers, so there it is exact.
package citizen

import (
	"context"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// CookieName is the HttpOnly cookie that carries a citizen's session secret. It differs from the
// staff cookie so that the two kinds of session never mix.
const CookieName = "mz_citizen"

// PhoneField is the AEAD field name of citizens' phone numbers; key rotation re-encrypts it.
const PhoneField = "citizens.phone"

// SealedColumns lists the encrypted columns this package owns, for key rotation (minzheng keys
// rotate must include them, or removing an old key would make these numbers unreadable).
func SealedColumns() []pii.Column {
	return []pii.Column{{Table: "citizens", Key: "id", Sealed: "phone_sealed", Field: PhoneField}}
}

// Citizen is a signed-in member of the public as pages need them: an id for their own records
// and the masked number to show who is signed in. The full number stays sealed.
type Citizen struct {
	ID          int64
	PhoneMasked string
}

type citizenKey struct{}

// WithCitizen returns ctx carrying c, so handlers below the session middleware know who asks.
func WithCitizen(ctx context.Context, c *Citizen) context.Context {
	return context.WithValue(ctx, citizenKey{}, c)
}

// FromContext returns the signed-in citizen of the request, or nil when there is none.
func FromContext(ctx context.Context) *Citizen {
	c, _ := ctx.Value(citizenKey{}).(*Citizen)
	return c
}

// Rules are the limits of sign-in by code. A zero field takes its value from DefaultRules, so a
// Service built without Rules is never left without a limit.
type Rules struct {
	// CodeTTL is how long a code may be used: long enough to read an SMS and type six digits
	// slowly, short enough that an old message on a lost phone is useless.
	CodeTTL time.Duration
	// ResendAfter is the least time between two codes for one number: a double tap on "获取验证码"
	// sends one SMS.
	ResendAfter time.Duration
	// MaxCodesPerPhonePerHour and MaxCodesPerPhonePerDay bound the SMS one number receives (an
	// attacker must not turn the bureau into an SMS bomber) and the guesses at its codes.
	MaxCodesPerPhonePerHour int
	MaxCodesPerPhonePerDay  int
	// MaxCodesPerIPPerHour bounds one client asking for many numbers. It is generous because
	// mobile carriers put many phones behind one address (carrier-grade NAT).
	MaxCodesPerIPPerHour int
	// MaxAttempts is how many times one code may be tried; then a new one must be requested.
	MaxAttempts int
	// SessionTTL is how long a session lasts from sign-in; the cookie should last as long.
	SessionTTL time.Duration
}

// DefaultRules are the production limits.
var DefaultRules = Rules{
	CodeTTL:                 10 * time.Minute,
	ResendAfter:             time.Minute,
	MaxCodesPerPhonePerHour: 5,
	MaxCodesPerPhonePerDay:  10,
	MaxCodesPerIPPerHour:    30,
	MaxAttempts:             5,
	SessionTTL:              12 * time.Hour,
}

// withDefaults fills zero fields from DefaultRules.
func (r Rules) withDefaults() Rules {
	d := DefaultRules
	pick := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	pickN := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&r.CodeTTL, d.CodeTTL)
	pick(&r.ResendAfter, d.ResendAfter)
	pick(&r.SessionTTL, d.SessionTTL)
	pickN(&r.MaxCodesPerPhonePerHour, d.MaxCodesPerPhonePerHour)
	pickN(&r.MaxCodesPerPhonePerDay, d.MaxCodesPerPhonePerDay)
	pickN(&r.MaxCodesPerIPPerHour, d.MaxCodesPerIPPerHour)
	pickN(&r.MaxAttempts, d.MaxAttempts)
	return r
}

// Service runs citizen sign-in against the database, writing audit events in the same
// transaction as the change they describe.
type Service struct {
	DB   *db.DB
	Keys *pii.Keyring
	// Audit records sign-ins, failures, sign-outs and throttled requests.
	Audit *audit.Log
	// Sender delivers codes: an SMS gateway in production, LogSender in the demo.
	Sender Sender
	// Now is the clock: code expiry, throttling windows and sessions depend on it; nil means
	// time.Now.
	Now func() time.Time
	// Rules are the limits; zero fields mean DefaultRules.
	Rules Rules
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// auditRole is the role recorded for citizens' events: 公众 in the UI's words.
const auditRole = "public"

// event is an audit event caused by the citizen with masked number actor ("" for anonymous).
func event(action, actor, ip string, citizenID int64, detail map[string]any) audit.Event {
	if actor == "" {
		actor = audit.Anonymous
	}
	e := audit.Event{Actor: actor, Role: auditRole, Action: action, IP: ip, Detail: detail}
	if citizenID > 0 {
		e.TargetType, e.TargetID = "citizen", strconv.FormatInt(citizenID, 10)
	}
	return e
}
