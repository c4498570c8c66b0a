-- Monthly payouts: where each household is paid (payees), the monthly rosters per program and
-- district with their lines, pending arrears and recoveries, and the double-entry funds ledger.
-- A roster is unique per month, program and district, which is what makes generation idempotent
-- and safe when two processes run it at once.
CREATE TABLE payees (
    household_id   BIGINT PRIMARY KEY REFERENCES households (id),
    region_code    TEXT NOT NULL,
    holder_name    TEXT NOT NULL,
    bank           TEXT NOT NULL,
    account_sealed TEXT NOT NULL,
    account_hash   TEXT NOT NULL,
    account_masked TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX payees_region ON payees (region_code);

CREATE TABLE rosters (
    id           {{ID}},
    month        TEXT NOT NULL,
    program      TEXT NOT NULL,
    district     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'locked')),
    lines        INTEGER NOT NULL DEFAULT 0,
    households   INTEGER NOT NULL DEFAULT 0,
    persons      INTEGER NOT NULL DEFAULT 0,
    total_fen    BIGINT NOT NULL DEFAULT 0,
    generated_by TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_at  TEXT NOT NULL DEFAULT '',
    locked_at    TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (month, program, district)
);

CREATE INDEX rosters_district ON rosters (district, month);

CREATE TABLE roster_lines (
    id             {{ID}},
    roster_id      BIGINT NOT NULL REFERENCES rosters (id),
    entitlement_id BIGINT NOT NULL,
    household_id   BIGINT NOT NULL,
    region_code    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('regular', 'one_off', 'arrears', 'recovery', 'reissue')),
    amount_fen     BIGINT NOT NULL,
    persons        INTEGER NOT NULL DEFAULT 0,
    from_month     TEXT NOT NULL,
    to_month       TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    adjustment_id  BIGINT,
    payee_name     TEXT NOT NULL DEFAULT '',
    bank           TEXT NOT NULL DEFAULT '',
    account_sealed TEXT NOT NULL DEFAULT '',
    account_masked TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
    failure        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX roster_lines_roster ON roster_lines (roster_id, household_id);
CREATE INDEX roster_lines_entitlement ON roster_lines (entitlement_id, from_month);

-- Arrears (positive) and recoveries (negative) waiting for the next roster of their program and
-- district; a roster line takes one when it carries it.
CREATE TABLE adjustments (
    id             {{ID}},
    entitlement_id BIGINT NOT NULL,
    household_id   BIGINT NOT NULL,
    region_code    TEXT NOT NULL,
    program        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('arrears', 'recovery', 'reissue')),
    amount_fen     BIGINT NOT NULL,
    from_month     TEXT NOT NULL,
    to_month       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    roster_line_id BIGINT
);

CREATE INDEX adjustments_pending ON adjustments (program, region_code, roster_line_id);

CREATE TABLE ledger_accounts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fund', 'expense'))
);

CREATE TABLE ledger_transactions (
    id         {{ID}},
    month      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('payment', 'return', 'recovery')),
    roster_id  BIGINT,
    memo       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ledger_transactions_month ON ledger_transactions (month);

-- Each transaction's entries sum to zero: debits positive, credits negative.
CREATE TABLE ledger_entries (
    id             {{ID}},
    transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (id),
    account        TEXT NOT NULL REFERENCES ledger_accounts (code),
    amount_fen     BIGINT NOT NULL
);

CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account);

{{IMMUTABLE ledger_entries}}

{{IMMUTABLE ledger_transactions}}
