-- Elderly meal assistance (老年助餐): canteens and their menus, registered diners with the
-- relatives who may order for them, the meals served (each with the split of its price between
-- the diner and the funding sources), and the tokens canteen terminals authenticate with.
-- region_code is on the large tables: the scope filter and, for a province, the shard key.
CREATE TABLE canteens (
    id          {{ID}},
    name        TEXT NOT NULL,
    operator    TEXT NOT NULL,
    address     TEXT NOT NULL,
    latitude    TEXT NOT NULL DEFAULT '',
    longitude   TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL REFERENCES regions (code),
    capacity    INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    -- Opening weekdays, Monday first: "1111100" opens Monday to Friday.
    open_days   TEXT NOT NULL DEFAULT '1111111',
    delivery    {{BOOL}} NOT NULL DEFAULT FALSE,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended', 'closed')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE INDEX canteens_region ON canteens (region_code);

-- Dishes and set meals a canteen offers. A served meal keeps its own price, so a price change
-- never rewrites the past; an item no longer offered is made inactive, not deleted.
CREATE TABLE menu_items (
    id         {{ID}},
    canteen_id BIGINT NOT NULL REFERENCES canteens (id),
    name       TEXT NOT NULL,
    meal_type  TEXT NOT NULL CHECK (meal_type IN ('breakfast', 'lunch', 'dinner')),
    price_fen  BIGINT NOT NULL CHECK (price_fen > 0),
    active     {{BOOL}} NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX menu_items_canteen ON menu_items (canteen_id, active);

-- Elderly diners, registered once per person (id_hash is the keyed hash of the ID number).
-- categories is a comma list of dibao, tekun, disabled. The counter finds a diner by card_no or
-- by the hash of the QR token printed on the card; the token itself is never stored.
CREATE TABLE diners (
    id            {{ID}},
    name          TEXT NOT NULL,
    id_sealed     TEXT NOT NULL,
    id_hash       TEXT NOT NULL UNIQUE,
    id_masked     TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    hukou_region  TEXT NOT NULL DEFAULT '',
    home_region   TEXT NOT NULL REFERENCES regions (code),
    phone_sealed  TEXT NOT NULL DEFAULT '',
    phone_hash    TEXT NOT NULL DEFAULT '',
    phone_masked  TEXT NOT NULL DEFAULT '',
    categories    TEXT NOT NULL DEFAULT '',
    card_no       TEXT NOT NULL UNIQUE,
    qr_token_hash TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deceased', 'left')),
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX diners_home ON diners (home_region);

-- Relatives who may order for a diner (亲属代订餐), found by the hash of the phone they sign in with.
CREATE TABLE diner_relatives (
    id           {{ID}},
    diner_id     BIGINT NOT NULL REFERENCES diners (id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    phone_hash   TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (diner_id, phone_hash)
);

CREATE INDEX diner_relatives_phone ON diner_relatives (phone_hash);

-- One row per meal served: its price and who pays what. The terminal's Idempotency-Key is
-- unique per canteen, which is what makes a retried request return the first receipt instead
-- of charging twice, even when two copies of the request arrive at once.
CREATE TABLE meal_transactions (
    id              {{ID}},
    canteen_id      BIGINT NOT NULL REFERENCES canteens (id),
    diner_id        BIGINT NOT NULL REFERENCES diners (id),
    menu_item_id    BIGINT NOT NULL REFERENCES menu_items (id),
    region_code     TEXT NOT NULL,
    meal_type       TEXT NOT NULL CHECK (meal_type IN ('breakfast', 'lunch', 'dinner')),
    served_on       TEXT NOT NULL,
    price_fen       BIGINT NOT NULL CHECK (price_fen >= 0),
    diner_pays_fen  BIGINT NOT NULL CHECK (diner_pays_fen >= 0),
    city_fen        BIGINT NOT NULL DEFAULT 0 CHECK (city_fen >= 0),
    district_fen    BIGINT NOT NULL DEFAULT 0 CHECK (district_fen >= 0),
    street_fen      BIGINT NOT NULL DEFAULT 0 CHECK (street_fen >= 0),
    policy_id       TEXT NOT NULL DEFAULT '',
    rule            TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    flags           TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL CHECK (channel IN ('counter', 'online')),
    status          TEXT NOT NULL DEFAULT 'served' CHECK (status IN ('served', 'voided')),
    idempotency_key TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    CHECK (diner_pays_fen + city_fen + district_fen + street_fen = price_fen),
    UNIQUE (canteen_id, idempotency_key)
);

CREATE INDEX meal_transactions_diner ON meal_transactions (diner_id, served_on);
CREATE INDEX meal_transactions_canteen ON meal_transactions (canteen_id, served_on);

-- Bearer tokens of canteen terminals; only a SHA-256 hash of each is stored.
CREATE TABLE canteen_tokens (
    id         {{ID}},
    canteen_id BIGINT NOT NULL REFERENCES canteens (id),
    name       TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT ''
);

CREATE INDEX canteen_tokens_canteen ON canteen_tokens (canteen_id);
