-- The monthly consumer price index rises (year on year, per mille) that trigger the 价格临时补贴
-- linkage: entered by the city once the statistics bureau publishes them, read when the month's
-- price-subsidy rosters are generated.
CREATE TABLE price_indices (
    month                 TEXT PRIMARY KEY,
    cpi_yoy_permille      INTEGER NOT NULL,
    food_cpi_yoy_permille INTEGER NOT NULL,
    source                TEXT NOT NULL,
    recorded_by           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL
);
