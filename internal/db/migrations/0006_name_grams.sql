-- The characters and two-character pieces of every person's name, so that a search for part of a
-- name ("建国", or just "芳") seeks an index instead of scanning a district's persons. Chinese
-- names are two to four characters: three to seven rows per person. No primary key: the bulk
-- loader drops the indexes and builds them again after a big load.
CREATE TABLE person_name_grams (
    gram        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    person_id   BIGINT NOT NULL
);

CREATE INDEX person_name_grams_lookup ON person_name_grams (gram, region_code, person_id);
CREATE INDEX person_name_grams_person ON person_name_grams (person_id);
