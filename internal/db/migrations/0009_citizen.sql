-- Citizens who sign in to the public pages with a mobile number and a one-time code sent to it:
-- relatives ordering meals for an elderly parent, applicants following their own case. They are
-- not staff users, so they get tables of their own and never a role or a scope. Times are TEXT in
-- fixed-width UTC (db.FormatTime) so that they compare the same way on both engines.
--
-- The phone number is sealed (pii.Seal, field "citizens.phone") with its keyed hash beside it for
-- the look-up at sign-in, and its masked form (138****5678) for pages and the audit log.
CREATE TABLE citizens (
    id             {{ID}},
    phone_sealed   TEXT NOT NULL,
    phone_hash     TEXT NOT NULL UNIQUE,
    phone_masked   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_signin_at TEXT NOT NULL DEFAULT ''
);

-- One row per code sent. Only a keyed hash of the code is stored: six digits are a million
-- values, so a plain hash in a copied database would give every live code away. The rows are also
-- the throttle's memory (codes per phone per hour and day, per address per hour), so they are kept
-- for a day and then deleted; phone_hash and ip are indexed with the time for those counts.
CREATE TABLE citizen_codes (
    id         {{ID}},
    phone_hash TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX citizen_codes_phone ON citizen_codes (phone_hash, created_at);
CREATE INDEX citizen_codes_ip ON citizen_codes (ip, created_at);
CREATE INDEX citizen_codes_created ON citizen_codes (created_at);

-- Citizens' sessions, apart from staff sessions so that a public cookie can never reach a staff
-- page. id_hash is the SHA-256 of the cookie's secret, never the secret itself.
CREATE TABLE citizen_sessions (
    id_hash    TEXT PRIMARY KEY,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
);

CREATE INDEX citizen_sessions_citizen ON citizen_sessions (citizen_id);
CREATE INDEX citizen_sessions_expires ON citizen_sessions (expires_at);
