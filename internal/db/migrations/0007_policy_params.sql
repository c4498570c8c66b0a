-- Policy parameters as the running installation knows them: the shipped values (loaded from the
-- binary's data file when the table is empty) and the values a city administrator adds.
CREATE TABLE policy_params (
    id          {{ID}},
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    hukou       TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL DEFAULT '',
    value       BIGINT NOT NULL,
    unit        TEXT NOT NULL,
    official    {{BOOL}} NOT NULL,
    source      TEXT NOT NULL,
    added_by    TEXT NOT NULL DEFAULT '',
    added_at    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX policy_params_name ON policy_params (name, region_code, hukou, valid_from);
