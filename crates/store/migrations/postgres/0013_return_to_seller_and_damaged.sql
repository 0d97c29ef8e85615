-- DAMAGED joins the conditions (harmed in transit or handling: the box or
-- the surface, where DEFECTIVE means it does not work).
ALTER TABLE stock_balance DROP CONSTRAINT stock_balance_condition_check;
ALTER TABLE stock_balance ADD CONSTRAINT stock_balance_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE stock_summary DROP CONSTRAINT stock_summary_condition_check;
ALTER TABLE stock_summary ADD CONSTRAINT stock_summary_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE stock_movement DROP CONSTRAINT stock_movement_condition_check;
ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE serial_number DROP CONSTRAINT serial_number_condition_check;
ALTER TABLE serial_number ADD CONSTRAINT serial_number_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE reservation DROP CONSTRAINT reservation_condition_check;
ALTER TABLE reservation ADD CONSTRAINT reservation_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE adjustment_line DROP CONSTRAINT adjustment_line_condition_check;
ALTER TABLE adjustment_line ADD CONSTRAINT adjustment_line_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE inbound_putaway DROP CONSTRAINT inbound_putaway_condition_check;
ALTER TABLE inbound_putaway ADD CONSTRAINT inbound_putaway_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE return_grade DROP CONSTRAINT return_grade_condition_check;
ALTER TABLE return_grade ADD CONSTRAINT return_grade_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));

-- Return to seller: graded units the seller wants back are reserved at
-- completion (the reservation below) and shipped from the returns bench
-- to the seller's return address by a ship-back.
ALTER TABLE return_grade DROP CONSTRAINT return_grade_disposition_check;
ALTER TABLE return_grade ADD CONSTRAINT return_grade_disposition_check CHECK (disposition IN ('RESTOCK', 'QUARANTINE', 'DISPOSE', 'RETURN_TO_SELLER'));
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
ALTER TABLE count_plan ADD CONSTRAINT count_plan_origin_check CHECK (origin IN ('PLANNED', 'SHORT_PICK'));

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
ALTER TABLE count_entry ADD CONSTRAINT count_entry_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'DAMAGED', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
