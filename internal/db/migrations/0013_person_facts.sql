-- What dynamic monitoring reads of each registered person, packed in one column per person
-- (package registry encodes it: identity hash, area, disability, schooling, registered monthly
-- income, current tier and whether the person is the household's main earner). The registry
-- rewrites a household's rows in the same transaction as every change to it, so a monitoring run
-- reads one narrow table — a million rows of one column each — instead of joining persons,
-- incomes and tiers. Filled for existing data at start-up.
CREATE TABLE person_facts (
    person_id    BIGINT PRIMARY KEY,
    household_id BIGINT NOT NULL,
    facts        {{BLOB}} NOT NULL
);

CREATE INDEX person_facts_household ON person_facts (household_id);
