-- Identity and access: staff and machine users, their sessions and API tokens, and the record of
-- failed log-ins that throttling reads. Times are TEXT in fixed-width UTC (db.FormatTime) so that
-- they compare the same way on both engines.
CREATE TABLE users (
    id                   {{ID}},
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    role                 TEXT NOT NULL,
    scope                TEXT NOT NULL DEFAULT '',
    org_id               INTEGER,
    password_hash        TEXT NOT NULL DEFAULT '',
    must_change_password {{BOOL}} NOT NULL DEFAULT TRUE,
    disabled             {{BOOL}} NOT NULL DEFAULT FALSE,
    phone_sealed         TEXT NOT NULL DEFAULT '',
    phone_hash           TEXT NOT NULL DEFAULT '',
    sessions_valid_after TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    created_by           INTEGER
);

CREATE INDEX users_scope ON users (scope);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           {{ID}},
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    expires_at   TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    id  {{ID}},
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);

CREATE INDEX login_failures_key ON login_failures (key, at);
