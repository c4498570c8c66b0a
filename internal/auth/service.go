package auth

import (
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// Service runs every identity operation against the database, writing audit events in the same
// transaction as the change they describe.
type Service struct {
	DB    *db.DB
	Keys  *pii.Keyring
	Audit *audit.Log
	// Now is the clock: session expiry and throttling windows depend on it.
	Now func() time.Time
	// Argon2 is the password-hash cost; tests lower it.
	Argon2 Argon2Params
	// SessionIdle ends a session after this long without a request; SessionMax after this long in
	// any case.
	SessionIdle, SessionMax time.Duration
	// Throttle limits failed log-ins.
	Throttle ThrottleRules

	dummyOnce sync.Once
	dummy     string
}

// NewService returns a Service with the production defaults.
func NewService(d *db.DB, keys *pii.Keyring, log *audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		DB: d, Keys: keys, Audit: log, Now: now,
		Argon2:      DefaultArgon2,
		SessionIdle: 2 * time.Hour,
		SessionMax:  12 * time.Hour,
		Throttle:    DefaultThrottle,
	}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// dummyHash is a hash of a random password with the service's cost, checked when a log-in names no
// usable account so that such attempts take as long as real ones.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = HashPassword(RandomPassword(), s.Argon2)
	})
	return s.dummy
}

// PhoneField is the AEAD field name of users' phone numbers; key rotation re-encrypts it.
const PhoneField = "users.phone"

// SealedColumns lists the encrypted columns this package owns, for key rotation.
func SealedColumns() []pii.Column {
	return []pii.Column{{Table: "users", Key: "id", Sealed: "phone_sealed", Field: PhoneField}}
}

// actor fills the audit fields that name the caller.
func actor(p *Principal, ip string) audit.Event {
	if p == nil {
		return audit.Event{Actor: "anonymous", IP: ip}
	}
	return audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip}
}
