-- Social assistance cases (社会救助综合服务平台): applications and the steps of their statutory
-- workflow, objections to public notices, decisions (immutable once issued), entitlements and
-- their history, services delivered beside cash, documents, and reminders of overdue steps.
-- region_code on every table is the handling street: the scope filter and the shard key.
CREATE TABLE applications (
    id                  {{ID}},
    kind                TEXT NOT NULL CHECK (kind IN ('apply', 'review', 'appeal')),
    program             TEXT NOT NULL,
    subtype             TEXT NOT NULL DEFAULT '',
    region_code         TEXT NOT NULL REFERENCES regions (code),
    household_id        BIGINT REFERENCES households (id),
    entitlement_id      BIGINT,
    appeal_of           BIGINT,
    channel             TEXT NOT NULL CHECK (channel IN ('window', 'online', 'system')),
    citizen_id          BIGINT,
    applicant_name      TEXT NOT NULL,
    applicant_id_sealed TEXT NOT NULL,
    applicant_id_hash   TEXT NOT NULL,
    applicant_id_masked TEXT NOT NULL,
    phone_sealed        TEXT NOT NULL DEFAULT '',
    phone_masked        TEXT NOT NULL DEFAULT '',
    agent_name          TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    hukou               TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL,
    details             TEXT NOT NULL DEFAULT '{}',
    status              TEXT NOT NULL,
    current_step        TEXT NOT NULL DEFAULT '',
    accepted_on         TEXT NOT NULL DEFAULT '',
    case_due            TEXT NOT NULL DEFAULT '',
    extended            {{BOOL}} NOT NULL DEFAULT FALSE,
    extension_reason    TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1,
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    closed_at           TEXT NOT NULL DEFAULT ''
);

CREATE INDEX applications_region ON applications (region_code, status);
CREATE INDEX applications_household ON applications (household_id);
CREATE INDEX applications_applicant ON applications (applicant_id_hash);
CREATE INDEX applications_citizen ON applications (citizen_id);
-- One open application of a program per applicant: the database settles concurrent submissions.
CREATE UNIQUE INDEX applications_one_open ON applications (applicant_id_hash, program)
    WHERE kind = 'apply' AND status IN ('submitted', 'open');

CREATE TABLE case_steps (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    region_code    TEXT NOT NULL,
    step           TEXT NOT NULL,
    level          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'done', 'reopened')),
    opened_at      TEXT NOT NULL,
    due_on         TEXT NOT NULL DEFAULT '',
    done_at        TEXT NOT NULL DEFAULT '',
    done_by        TEXT NOT NULL DEFAULT '',
    done_role      TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX case_steps_application ON case_steps (application_id);
CREATE INDEX case_steps_open ON case_steps (status, region_code, due_on);

CREATE TABLE objections (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    filed_at       TEXT NOT NULL,
    filer          TEXT NOT NULL DEFAULT '',
    contact        TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    resolved_by    TEXT NOT NULL DEFAULT '',
    resolved_at    TEXT NOT NULL DEFAULT '',
    resolution     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX objections_application ON objections (application_id);

-- Decisions are written once and never updated: a correction is a new decision naming the one it
-- corrects.
CREATE TABLE decisions (
    id             {{ID}},
    doc_no         TEXT NOT NULL UNIQUE,
    application_id BIGINT REFERENCES applications (id),
    household_id   BIGINT REFERENCES households (id),
    entitlement_id BIGINT,
    region_code    TEXT NOT NULL,
    program        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL DEFAULT 0,
    one_off        {{BOOL}} NOT NULL DEFAULT FALSE,
    effective_on   TEXT NOT NULL,
    reasons        TEXT NOT NULL DEFAULT '',
    explanation    TEXT NOT NULL DEFAULT '',
    corrects       BIGINT,
    issued_by      TEXT NOT NULL,
    issued_role    TEXT NOT NULL,
    issued_at      TEXT NOT NULL
);

{{IMMUTABLE decisions}}

CREATE INDEX decisions_household ON decisions (household_id);
CREATE INDEX decisions_application ON decisions (application_id);

CREATE TABLE entitlements (
    id             {{ID}},
    household_id   BIGINT NOT NULL REFERENCES households (id),
    region_code    TEXT NOT NULL,
    program        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'tapering', 'ended')),
    monthly_fen    BIGINT NOT NULL DEFAULT 0,
    one_off_fen    BIGINT NOT NULL DEFAULT 0,
    start_month    TEXT NOT NULL,
    end_month      TEXT NOT NULL DEFAULT '',
    next_review    TEXT NOT NULL DEFAULT '',
    review_months  INTEGER NOT NULL DEFAULT 12,
    calculation    TEXT NOT NULL DEFAULT '{}',
    decision_id    BIGINT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX entitlements_household ON entitlements (household_id);
CREATE INDEX entitlements_region ON entitlements (region_code, status, program);
CREATE INDEX entitlements_review ON entitlements (status, next_review);
-- One running monthly entitlement of a program per household: concurrent grants cannot pay twice.
CREATE UNIQUE INDEX entitlements_one_running ON entitlements (household_id, program)
    WHERE status IN ('active', 'suspended', 'tapering') AND one_off_fen = 0;

CREATE TABLE entitlement_history (
    id             {{ID}},
    entitlement_id BIGINT NOT NULL REFERENCES entitlements (id),
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    field          TEXT NOT NULL,
    old_value      TEXT NOT NULL,
    new_value      TEXT NOT NULL,
    decision_id    BIGINT
);

CREATE INDEX entitlement_history_entitlement ON entitlement_history (entitlement_id);

CREATE TABLE services (
    id           {{ID}},
    household_id BIGINT NOT NULL REFERENCES households (id),
    region_code  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    provider     TEXT NOT NULL,
    served_on    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

CREATE INDEX services_household ON services (household_id);

CREATE TABLE documents (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    content        {{BLOB}} NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TEXT NOT NULL
);

CREATE INDEX documents_application ON documents (application_id);

CREATE TABLE reminders (
    id           {{ID}},
    step_id      BIGINT NOT NULL UNIQUE REFERENCES case_steps (id),
    region_code  TEXT NOT NULL,
    level        TEXT NOT NULL,
    raised_at    TEXT NOT NULL,
    seen_at      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX reminders_region ON reminders (region_code);
