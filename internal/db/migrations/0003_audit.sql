-- The audit log: one append-only row per sensitive action (sign-in, user and token changes, a
-- reveal of personal data, an export, a decision, a policy change). Each row carries the SHA-256
-- of its own contents and the hash of the row before it, so `minzheng audit verify` finds any row
-- that was edited or deleted. Only internal/audit writes here; it assigns ids itself (head + 1),
-- so ids are dense and a gap is itself evidence of a deletion.
--
-- `at` is TEXT in RFC 3339 UTC with a fixed six-digit fraction (2006-01-02T15:04:05.000000Z):
-- the hash is computed over the stored text, which must read back byte for byte the same on
-- SQLite and PostgreSQL, and fixed-width text sorts by time.
CREATE TABLE audit_log (
    id          {{ID}},
    at          TEXT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_region ON audit_log (region_code);

-- The chain head: the id and hash of the newest row. It lets verify notice that the newest rows
-- were deleted (the chain alone cannot), and updating it first in every append transaction
-- serialises concurrent appends (a row lock on PostgreSQL; SQLite has one writer anyway).
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
