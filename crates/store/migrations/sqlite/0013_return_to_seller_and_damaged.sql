-- DAMAGED joins the conditions (harmed in transit or handling: the box or
-- the surface, where DEFECTIVE means it does not work).
DROP TRIGGER stock_balance_condition_check_insert;
DROP TRIGGER stock_balance_condition_check_update;
CREATE TRIGGER stock_balance_condition_check_insert BEFORE INSERT ON stock_balance
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_balance_condition_check'); END;
CREATE TRIGGER stock_balance_condition_check_update BEFORE UPDATE OF condition ON stock_balance
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_balance_condition_check'); END;
DROP TRIGGER stock_summary_condition_check_insert;
DROP TRIGGER stock_summary_condition_check_update;
CREATE TRIGGER stock_summary_condition_check_insert BEFORE INSERT ON stock_summary
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_summary_condition_check'); END;
CREATE TRIGGER stock_summary_condition_check_update BEFORE UPDATE OF condition ON stock_summary
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_summary_condition_check'); END;
DROP TRIGGER stock_movement_condition_check_insert;
DROP TRIGGER stock_movement_condition_check_update;
CREATE TRIGGER stock_movement_condition_check_insert BEFORE INSERT ON stock_movement
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_movement_condition_check'); END;
CREATE TRIGGER stock_movement_condition_check_update BEFORE UPDATE OF condition ON stock_movement
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_movement_condition_check'); END;
DROP TRIGGER serial_number_condition_check_insert;
DROP TRIGGER serial_number_condition_check_update;
CREATE TRIGGER serial_number_condition_check_insert BEFORE INSERT ON serial_number
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_condition_check'); END;
CREATE TRIGGER serial_number_condition_check_update BEFORE UPDATE OF condition ON serial_number
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_condition_check'); END;
DROP TRIGGER reservation_condition_check_insert;
DROP TRIGGER reservation_condition_check_update;
CREATE TRIGGER reservation_condition_check_insert BEFORE INSERT ON reservation
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_condition_check'); END;
CREATE TRIGGER reservation_condition_check_update BEFORE UPDATE OF condition ON reservation
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_condition_check'); END;
DROP TRIGGER adjustment_line_condition_check_insert;
DROP TRIGGER adjustment_line_condition_check_update;
CREATE TRIGGER adjustment_line_condition_check_insert BEFORE INSERT ON adjustment_line
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: adjustment_line_condition_check'); END;
CREATE TRIGGER adjustment_line_condition_check_update BEFORE UPDATE OF condition ON adjustment_line
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: adjustment_line_condition_check'); END;
DROP TRIGGER inbound_putaway_condition_check_insert;
DROP TRIGGER inbound_putaway_condition_check_update;
CREATE TRIGGER inbound_putaway_condition_check_insert BEFORE INSERT ON inbound_putaway
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_putaway_condition_check'); END;
CREATE TRIGGER inbound_putaway_condition_check_update BEFORE UPDATE OF condition ON inbound_putaway
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_putaway_condition_check'); END;
DROP TRIGGER return_grade_condition_check_insert;
DROP TRIGGER return_grade_condition_check_update;
CREATE TRIGGER return_grade_condition_check_insert BEFORE INSERT ON return_grade
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_condition_check'); END;
CREATE TRIGGER return_grade_condition_check_update BEFORE UPDATE OF condition ON return_grade
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_condition_check'); END;

-- Return to seller: graded units the seller wants back are reserved at
-- completion (the reservation below) and shipped from the returns bench
-- to the seller's return address by a ship-back.
DROP TRIGGER return_grade_disposition_check_insert;
DROP TRIGGER return_grade_disposition_check_update;
CREATE TRIGGER return_grade_disposition_check_insert BEFORE INSERT ON return_grade
    WHEN NEW.disposition IS NOT NULL AND NEW.disposition NOT IN ('RESTOCK', 'QUARANTINE', 'DISPOSE', 'RETURN_TO_SELLER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_disposition_check'); END;
CREATE TRIGGER return_grade_disposition_check_update BEFORE UPDATE OF disposition ON return_grade
    WHEN NEW.disposition IS NOT NULL AND NEW.disposition NOT IN ('RESTOCK', 'QUARANTINE', 'DISPOSE', 'RETURN_TO_SELLER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_disposition_check'); END;
ALTER TABLE return_grade ADD COLUMN reservation_id BIGINT REFERENCES reservation (reservation_id);
ALTER TABLE return_order ADD COLUMN return_address TEXT;       -- JSON recipient, from the announcement
ALTER TABLE return_order ADD COLUMN ship_back_address TEXT;    -- JSON recipient the units went to
ALTER TABLE return_order ADD COLUMN ship_back_tracking_no TEXT;
ALTER TABLE return_order ADD COLUMN ship_back_carrier TEXT;
ALTER TABLE return_order ADD COLUMN shipped_back_at BIGINT;

-- Count plans a short pick opened (origin SHORT_PICK, with the order that
-- came up short) sit beside the planned ones (origin PLANNED).
ALTER TABLE count_plan ADD COLUMN origin TEXT NOT NULL DEFAULT 'PLANNED';
ALTER TABLE count_plan ADD COLUMN document_no TEXT;
CREATE TRIGGER count_plan_origin_check_insert BEFORE INSERT ON count_plan
    WHEN NEW.origin IS NOT NULL AND NEW.origin NOT IN ('PLANNED', 'SHORT_PICK')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_plan_origin_check'); END;
CREATE TRIGGER count_plan_origin_check_update BEFORE UPDATE OF origin ON count_plan
    WHEN NEW.origin IS NOT NULL AND NEW.origin NOT IN ('PLANNED', 'SHORT_PICK')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_plan_origin_check'); END;

-- Counts by lot: an entry may name the lot it counted (lot_id), or count
-- the SKU across the location's lots (NULL), so the key moves from a
-- primary key to a unique index over the lot too.
CREATE TABLE count_entry_by_lot (
    count_sheet_id BIGINT NOT NULL REFERENCES count_sheet (count_sheet_id),
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    condition TEXT NOT NULL,
    lot_id BIGINT REFERENCES lot (lot_id),
    counted BIGINT NOT NULL CHECK (counted >= 0),
    expected BIGINT NOT NULL CHECK (expected >= 0)
);
INSERT INTO count_entry_by_lot (count_sheet_id, customer_id, product_id, condition, counted, expected)
    SELECT count_sheet_id, customer_id, product_id, condition, counted, expected FROM count_entry;
DROP TABLE count_entry;
ALTER TABLE count_entry_by_lot RENAME TO count_entry;
CREATE UNIQUE INDEX count_entry_key ON count_entry (count_sheet_id, customer_id, product_id, condition, COALESCE(lot_id, 0));
CREATE TRIGGER count_entry_condition_check_insert BEFORE INSERT ON count_entry
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_entry_condition_check'); END;
CREATE TRIGGER count_entry_condition_check_update BEFORE UPDATE OF condition ON count_entry
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_entry_condition_check'); END;
