-- Elderly meal assistance, second part: online orders (by the elderly or a linked relative, 亲属代订餐),
-- the anti-fraud flags raised on meals served, and the monthly settlement of each canteen that
-- reimburses it per funding source and posts every meal to the funds ledger.

-- How long before a meal starts a canteen stops taking and cancelling online orders [D 120 minutes].
ALTER TABLE canteens ADD COLUMN cutoff_minutes INTEGER NOT NULL DEFAULT 120 CHECK (cutoff_minutes BETWEEN 0 AND 1440);

-- Where a diner entitled to delivery (失能) gets meals brought, sealed like every address.
ALTER TABLE diners ADD COLUMN address_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE diners ADD COLUMN address_masked TEXT NOT NULL DEFAULT '';

-- An online order for one meal on one day. The price and its split are quoted when the order is
-- placed, so the diner pays a known amount up front; the canteen's service of the order records
-- the meal (meal_transactions, channel 'online') with that split. ordered_by says who ordered:
-- 'diner', 'relative:<diner_relatives.id>' or 'staff:<login>'.
CREATE TABLE meal_orders (
    id               {{ID}},
    diner_id         BIGINT NOT NULL REFERENCES diners (id),
    canteen_id       BIGINT NOT NULL REFERENCES canteens (id),
    menu_item_id     BIGINT NOT NULL REFERENCES menu_items (id),
    meal_type        TEXT NOT NULL CHECK (meal_type IN ('breakfast', 'lunch', 'dinner')),
    meal_day         TEXT NOT NULL,
    delivery         {{BOOL}} NOT NULL DEFAULT FALSE,
    address_sealed   TEXT NOT NULL DEFAULT '',
    price_fen        BIGINT NOT NULL CHECK (price_fen >= 0),
    diner_pays_fen   BIGINT NOT NULL CHECK (diner_pays_fen >= 0),
    city_fen         BIGINT NOT NULL DEFAULT 0 CHECK (city_fen >= 0),
    district_fen     BIGINT NOT NULL DEFAULT 0 CHECK (district_fen >= 0),
    street_fen       BIGINT NOT NULL DEFAULT 0 CHECK (street_fen >= 0),
    policy_id        TEXT NOT NULL DEFAULT '',
    rule             TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    ordered_by       TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'paid', 'cancelled', 'served')),
    payment_provider TEXT NOT NULL DEFAULT '',
    payment_ref      TEXT NOT NULL DEFAULT '',
    paid_at          TEXT NOT NULL DEFAULT '',
    cancelled_at     TEXT NOT NULL DEFAULT '',
    transaction_id   BIGINT REFERENCES meal_transactions (id),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (diner_pays_fen + city_fen + district_fen + street_fen = price_fen)
);

-- One live order per diner, day and meal: a second tap on 下单 cannot order twice.
CREATE UNIQUE INDEX meal_orders_one_per_meal ON meal_orders (diner_id, meal_day, meal_type) WHERE status <> 'cancelled';
CREATE INDEX meal_orders_canteen ON meal_orders (canteen_id, meal_day, status);

-- A rule of the anti-fraud checks that fired on a meal, with what it saw (evidence, JSON). An open
-- or confirmed flag holds the meal back from settlement; a cleared one lets it through.
CREATE TABLE meal_flags (
    id             {{ID}},
    transaction_id BIGINT NOT NULL REFERENCES meal_transactions (id),
    canteen_id     BIGINT NOT NULL REFERENCES canteens (id),
    region_code    TEXT NOT NULL,
    served_on      TEXT NOT NULL,
    rule           TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'confirmed')),
    note           TEXT NOT NULL DEFAULT '',
    reviewed_by    TEXT NOT NULL DEFAULT '',
    reviewed_at    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    UNIQUE (transaction_id, rule)
);

CREATE INDEX meal_flags_canteen ON meal_flags (canteen_id, status);
CREATE INDEX meal_flags_region ON meal_flags (region_code, status);

-- A canteen's monthly settlement: the meals it is reimbursed for, with totals per funding source,
-- and what was held back. A draft can be made again; approval (the district's) posts every meal
-- to the ledger and is final.
CREATE TABLE meal_settlements (
    id           {{ID}},
    canteen_id   BIGINT NOT NULL REFERENCES canteens (id),
    month        TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    meals        INTEGER NOT NULL DEFAULT 0,
    price_fen    BIGINT NOT NULL DEFAULT 0,
    diner_fen    BIGINT NOT NULL DEFAULT 0,
    city_fen     BIGINT NOT NULL DEFAULT 0,
    district_fen BIGINT NOT NULL DEFAULT 0,
    street_fen   BIGINT NOT NULL DEFAULT 0,
    held_meals   INTEGER NOT NULL DEFAULT 0,
    held_fen     BIGINT NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_at  TEXT NOT NULL DEFAULT '',
    CHECK (diner_fen + city_fen + district_fen + street_fen = price_fen),
    UNIQUE (canteen_id, month)
);

CREATE INDEX meal_settlements_month ON meal_settlements (month, region_code);

-- A meal belongs to at most one settlement, and once approved to one ledger transaction.
ALTER TABLE meal_transactions ADD COLUMN settlement_id BIGINT REFERENCES meal_settlements (id);
ALTER TABLE meal_transactions ADD COLUMN ledger_transaction_id BIGINT REFERENCES ledger_transactions (id);
CREATE INDEX meal_transactions_settlement ON meal_transactions (settlement_id);

-- Ledger transactions posted for a meal settlement (kind 'payment', one per meal).
ALTER TABLE ledger_transactions ADD COLUMN meal_settlement_id BIGINT REFERENCES meal_settlements (id);
CREATE INDEX ledger_transactions_meal ON ledger_transactions (meal_settlement_id);
