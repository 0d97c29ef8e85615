-- Stocktakes and cycle counts: a plan (CT…) with one sheet per location;
-- a counter's entry records, per seller, SKU and condition, what was
-- counted and the balance at that moment (the expected quantity), so the
-- variance is measured against the stock when it was counted and posted on
-- the stock as it is at approval (picks in between are not losses).
CREATE TABLE count_plan (
    count_plan_id INTEGER PRIMARY KEY,
    plan_no TEXT NOT NULL,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    blind BIGINT NOT NULL,
    recount_threshold BIGINT,        -- units of variance past which a location is recounted
    scope TEXT NOT NULL,             -- the request's scope, as JSON
    status TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    approved_by BIGINT REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL,
    approved_at BIGINT,
    CONSTRAINT count_plan_no_key UNIQUE (plan_no)
);
CREATE TRIGGER count_plan_status_check_insert BEFORE INSERT ON count_plan
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'APPROVED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_plan_status_check'); END;
CREATE TRIGGER count_plan_status_check_update BEFORE UPDATE OF status ON count_plan
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'APPROVED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_plan_status_check'); END;

CREATE TABLE count_sheet (
    count_sheet_id INTEGER PRIMARY KEY,
    count_plan_id BIGINT NOT NULL REFERENCES count_plan (count_plan_id),
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    round BIGINT NOT NULL,           -- 1; 2 for a recount
    status TEXT NOT NULL,
    counter TEXT,                    -- who entered the count
    counted_at BIGINT,
    CONSTRAINT count_sheet_key UNIQUE (count_plan_id, location_id, round)
);
CREATE INDEX count_sheet_location_idx ON count_sheet (location_id, status);
CREATE TRIGGER count_sheet_status_check_insert BEFORE INSERT ON count_sheet
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'COUNTED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_sheet_status_check'); END;
CREATE TRIGGER count_sheet_status_check_update BEFORE UPDATE OF status ON count_sheet
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'COUNTED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_sheet_status_check'); END;

CREATE TABLE count_entry (
    count_sheet_id BIGINT NOT NULL REFERENCES count_sheet (count_sheet_id),
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    condition TEXT NOT NULL,
    counted BIGINT NOT NULL CHECK (counted >= 0),
    expected BIGINT NOT NULL CHECK (expected >= 0),
    CONSTRAINT count_entry_key PRIMARY KEY (count_sheet_id, customer_id, product_id, condition)
);
CREATE TRIGGER count_entry_condition_check_insert BEFORE INSERT ON count_entry
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_entry_condition_check'); END;
CREATE TRIGGER count_entry_condition_check_update BEFORE UPDATE OF condition ON count_entry
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_entry_condition_check'); END;
