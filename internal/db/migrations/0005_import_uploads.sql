-- Roster files between the dry run and the commit of an import. Kept in the database, not in one
-- process's memory or disk, so that the commit may reach another app process. Rows are deleted
-- when the import is committed or after a day.
CREATE TABLE import_uploads (
    id          {{ID}},
    sha256      TEXT NOT NULL,
    filename    TEXT NOT NULL,
    data        {{BLOB}} NOT NULL,
    uploaded_by BIGINT NOT NULL,
    uploaded_at TEXT NOT NULL
);
