-- The administrative division tree: provinces (2-digit codes), prefectures (4), counties (6),
-- towns and streets (9) and, for the demo city, synthetic communities and villages (12).
-- Codes are stored without trailing zero padding so that a scope is a plain prefix.
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    synthetic   {{BOOL}} NOT NULL DEFAULT FALSE,
    source      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_level ON regions (level, code);
