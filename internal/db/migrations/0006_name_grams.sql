-- Two-character pieces of every person's name, so that a search for part of a name ("建国")
-- seeks an index instead of scanning a district's persons. Chinese names are two to four
-- characters; their bigrams are one to three rows per person.
CREATE TABLE person_name_grams (
    gram        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    person_id   BIGINT NOT NULL,
    PRIMARY KEY (gram, region_code, person_id)
);

CREATE INDEX person_name_grams_person ON person_name_grams (person_id);
