-- Dynamic monitoring and active discovery (动态监测, 主动发现): the files other agencies send
-- (batches, ingested once per source and content), the warnings the rules raise from them, what
-- happened to each warning, field visits, and screening campaigns (专项排查) with their tasks.
CREATE TABLE monitor_batches (
    id           {{ID}},
    source       TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL,
    format       TEXT NOT NULL,
    bytes        BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('received', 'processing', 'done', 'rejected', 'failed')),
    rows_read    BIGINT NOT NULL DEFAULT 0,
    rows_matched BIGINT NOT NULL DEFAULT 0,
    row_errors   INTEGER NOT NULL DEFAULT 0,
    warnings     INTEGER NOT NULL DEFAULT 0,
    message      TEXT NOT NULL DEFAULT '',
    received_by  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    claimed_by   TEXT NOT NULL DEFAULT '',
    claimed_at   TEXT NOT NULL DEFAULT '',
    finished_at  TEXT NOT NULL DEFAULT '',
    UNIQUE (source, sha256)
);

CREATE INDEX monitor_batches_status ON monitor_batches (status, id);

-- The first row errors of a rejected batch, for the agency to fix (the batch keeps the count).
CREATE TABLE monitor_batch_errors (
    batch_id BIGINT NOT NULL REFERENCES monitor_batches (id),
    line     BIGINT NOT NULL,
    field    TEXT NOT NULL,
    message  TEXT NOT NULL
);

CREATE INDEX monitor_batch_errors_batch ON monitor_batch_errors (batch_id, line);

-- One warning per rule, subject and period: the unique key is what keeps two processes, or the
-- same file sent twice, from raising a warning twice. subject_hash is the person's keyed ID hash.
CREATE TABLE monitor_warnings (
    id            {{ID}},
    rule          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('need', 'ineligible', 'discovery')),
    subject_hash  TEXT NOT NULL,
    period        TEXT NOT NULL,
    person_id     BIGINT,
    household_id  BIGINT,
    region_code   TEXT NOT NULL,
    tier          TEXT NOT NULL DEFAULT '',
    batch_id      BIGINT REFERENCES monitor_batches (id),
    summary       TEXT NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '{}',
    state         TEXT NOT NULL CHECK (state IN ('open', 'assigned', 'visited', 'closed')),
    level         TEXT NOT NULL DEFAULT 'street' CHECK (level IN ('street', 'district')),
    assignee      TEXT NOT NULL DEFAULT '',
    due_date      TEXT NOT NULL,
    escalated_at  TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL DEFAULT '',
    outcome_note  TEXT NOT NULL DEFAULT '',
    outcome_ref   TEXT NOT NULL DEFAULT '',
    visited_at    TEXT NOT NULL DEFAULT '',
    closed_at     TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (rule, subject_hash, period)
);

CREATE INDEX monitor_warnings_queue ON monitor_warnings (state, region_code);
CREATE INDEX monitor_warnings_due ON monitor_warnings (state, due_date);
CREATE INDEX monitor_warnings_household ON monitor_warnings (household_id);

-- What was done with a warning, step by step: who, when, what, and why.
CREATE TABLE monitor_warning_events (
    id         {{ID}},
    warning_id BIGINT NOT NULL REFERENCES monitor_warnings (id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX monitor_warning_events_warning ON monitor_warning_events (warning_id, id);
{{IMMUTABLE monitor_warning_events}}

-- A screening campaign (专项排查): a target group in an area over a period.
CREATE TABLE monitor_campaigns (
    id          {{ID}},
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    target      TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One visit task per household of a campaign's target group, grouped by community.
CREATE TABLE monitor_tasks (
    id           {{ID}},
    campaign_id  BIGINT NOT NULL REFERENCES monitor_campaigns (id),
    household_id BIGINT NOT NULL REFERENCES households (id),
    region_code  TEXT NOT NULL,
    persons      INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    visited_by   TEXT NOT NULL DEFAULT '',
    visited_at   TEXT NOT NULL DEFAULT '',
    finding      TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL DEFAULT '',
    UNIQUE (campaign_id, household_id)
);

CREATE INDEX monitor_tasks_region ON monitor_tasks (campaign_id, region_code);

-- Field visits (铁脚板) recorded on the phone page, for a warning or a campaign task.
CREATE TABLE monitor_visits (
    id          {{ID}},
    warning_id  BIGINT REFERENCES monitor_warnings (id),
    task_id     BIGINT REFERENCES monitor_tasks (id),
    visited_on  TEXT NOT NULL,
    visitor     TEXT NOT NULL,
    findings    TEXT NOT NULL,
    latitude    TEXT NOT NULL DEFAULT '',
    longitude   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE INDEX monitor_visits_warning ON monitor_visits (warning_id);
