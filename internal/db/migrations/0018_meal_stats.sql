-- Summaries of the meals of closed periods, for the statistics of meal assistance
-- (internal/meals/stats_summary.go): a city's year is three million meals, and a page must not
-- read them all. A period is a closed month, or a closed day of a month still running; it is
-- summed by the first reader who needs it. A writer that records or changes a meal of a past day
-- (a history load, an order fulfilled late) bumps the versions of its periods in its own
-- transaction, and the next reader sums them again. The last two days are always counted from
-- the meals: the counter never writes here.

-- One row per period ("2024-03" or "2024-03-05") ever summed or written to: version counts the
-- writes to it, built_version is the version its summary rows were summed at (-1: never).
CREATE TABLE meal_stats_periods (
    period        TEXT PRIMARY KEY,
    version       BIGINT NOT NULL DEFAULT 0,
    built_version BIGINT NOT NULL DEFAULT -1,
    built_at      TEXT NOT NULL DEFAULT ''
);

-- The meals one canteen served in one period where they were served (region_code, as on the
-- meals): the additive figures, and the ids of the distinct diners (diner_count of them, as varint
-- gaps in ascending order), because persons cannot be added up over canteens, days or months.
CREATE TABLE meal_stats (
    period          TEXT NOT NULL,
    canteen_id      BIGINT NOT NULL REFERENCES canteens (id),
    region_code     TEXT NOT NULL,
    meals           INTEGER NOT NULL,
    online_meals    INTEGER NOT NULL,
    delivered_meals INTEGER NOT NULL,
    price_fen       BIGINT NOT NULL,
    diner_fen       BIGINT NOT NULL,
    city_fen        BIGINT NOT NULL,
    district_fen    BIGINT NOT NULL,
    street_fen      BIGINT NOT NULL,
    diner_count     INTEGER NOT NULL,
    diners          {{BLOB}} NOT NULL,
    PRIMARY KEY (period, canteen_id, region_code)
);

-- The diners registered in a region by the end of a month, counted by community in index order
-- without reading or sorting the diners' rows.
CREATE INDEX diners_home_created ON diners (home_region, created_at);
