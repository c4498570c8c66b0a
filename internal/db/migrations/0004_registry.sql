-- The low-income population database: households, their members, incomes, assets, rigid spending
-- and tiers, the history of every change, and the queue of likely duplicates. region_code is on
-- every large table: it is the scope filter and, for a province, the natural shard key.
CREATE TABLE households (
    id                  {{ID}},
    region_code         TEXT NOT NULL REFERENCES regions (code),
    address             TEXT NOT NULL,
    hukou               TEXT NOT NULL CHECK (hukou IN ('urban', 'rural')),
    hukou_region        TEXT NOT NULL,
    import_key          TEXT NOT NULL DEFAULT '',
    financial_assets_fen BIGINT NOT NULL DEFAULT 0 CHECK (financial_assets_fen >= 0),
    vehicles            INTEGER NOT NULL DEFAULT 0 CHECK (vehicles >= 0),
    homes               INTEGER NOT NULL DEFAULT 0 CHECK (homes >= 0),
    floor_area_m2       INTEGER NOT NULL DEFAULT 0 CHECK (floor_area_m2 >= 0),
    business_registered {{BOOL}} NOT NULL DEFAULT FALSE,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE INDEX households_region ON households (region_code);

CREATE TABLE persons (
    id               {{ID}},
    household_id     BIGINT NOT NULL REFERENCES households (id),
    region_code      TEXT NOT NULL,
    name             TEXT NOT NULL,
    id_sealed        TEXT NOT NULL,
    id_hash          TEXT NOT NULL UNIQUE,
    id_masked        TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    sex              TEXT NOT NULL,
    relation         TEXT NOT NULL,
    phone_sealed     TEXT NOT NULL DEFAULT '',
    phone_hash       TEXT NOT NULL DEFAULT '',
    phone_masked     TEXT NOT NULL DEFAULT '',
    marital          TEXT NOT NULL DEFAULT '',
    education        TEXT NOT NULL DEFAULT '',
    in_school        {{BOOL}} NOT NULL DEFAULT FALSE,
    employment       TEXT NOT NULL DEFAULT '',
    work_capacity    TEXT NOT NULL DEFAULT '',
    disability_cert  TEXT NOT NULL DEFAULT '',
    disability_kind  TEXT NOT NULL DEFAULT '',
    disability_grade INTEGER NOT NULL DEFAULT 0 CHECK (disability_grade BETWEEN 0 AND 4),
    serious_illness  {{BOOL}} NOT NULL DEFAULT FALSE,
    illness          TEXT NOT NULL DEFAULT '',
    selfcare_failed  TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_name ON persons (name, region_code);
CREATE INDEX persons_region_name ON persons (region_code, name);
CREATE INDEX persons_birth ON persons (birth_date);
CREATE INDEX persons_phone ON persons (phone_hash);

CREATE TABLE incomes (
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    kind        TEXT NOT NULL,
    monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
    PRIMARY KEY (person_id, kind)
);

CREATE TABLE spending (
    household_id BIGINT NOT NULL REFERENCES households (id),
    kind         TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (household_id, kind)
);

CREATE TABLE tiers (
    id           {{ID}},
    household_id BIGINT NOT NULL REFERENCES households (id),
    person_id    BIGINT,
    region_code  TEXT NOT NULL,
    tier         TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX tiers_household ON tiers (household_id);
CREATE INDEX tiers_region ON tiers (tier, region_code);

-- One row per changed field: who, when, what before, what after. Identifiers appear masked.
CREATE TABLE registry_history (
    id           {{ID}},
    at           TEXT NOT NULL,
    actor_id     BIGINT,
    actor        TEXT NOT NULL,
    household_id BIGINT NOT NULL,
    person_id    BIGINT,
    entity       TEXT NOT NULL,
    field        TEXT NOT NULL,
    old_value    TEXT NOT NULL DEFAULT '',
    new_value    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX registry_history_household ON registry_history (household_id, id);

CREATE TABLE duplicate_candidates (
    id         {{ID}},
    person_a   BIGINT NOT NULL,
    person_b   BIGINT NOT NULL,
    region_code TEXT NOT NULL,
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    UNIQUE (person_a, person_b, reason)
);

CREATE INDEX duplicate_candidates_status ON duplicate_candidates (status, region_code);

CREATE TABLE import_files (
    sha256      TEXT PRIMARY KEY,
    filename    TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    households  INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
