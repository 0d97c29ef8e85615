-- Returns (RMA): announced by the seller or registered at the dock,
-- arrived by scan, graded line by line into a RETURNS location, completed.
CREATE TABLE return_order (
    return_order_id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    customer_reference TEXT,         -- the seller's RMA number (announced returns)
    original_order_no TEXT,
    tracking_no TEXT,
    carrier TEXT,
    reason TEXT,
    announced BIGINT NOT NULL,       -- 1: by the seller, 0: found at the dock
    content_hash TEXT NOT NULL,      -- the announcement, for idempotent retries
    status TEXT NOT NULL,
    arrived_units BIGINT,            -- counted at the dock, when counted
    returns_location_id BIGINT REFERENCES location (location_id),
    arrived_at BIGINT,
    completed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT return_order_no_key UNIQUE (order_no),
    CONSTRAINT return_order_reference_key UNIQUE (customer_id, customer_reference)
);
CREATE INDEX return_order_tracking_idx ON return_order (tracking_no);
CREATE TRIGGER return_order_status_check_insert BEFORE INSERT ON return_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ANNOUNCED', 'ARRIVED', 'COMPLETED', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_order_status_check'); END;
CREATE TRIGGER return_order_status_check_update BEFORE UPDATE OF status ON return_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ANNOUNCED', 'ARRIVED', 'COMPLETED', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_order_status_check'); END;

CREATE TABLE return_line (
    return_order_id BIGINT NOT NULL REFERENCES return_order (return_order_id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    CONSTRAINT return_line_pkey PRIMARY KEY (return_order_id, line_no)
);

-- What grading found, unit group by unit group; the stock movements carry
-- the ledger side (document RETURN, the order number, this line).
CREATE TABLE return_grade (
    return_order_id BIGINT NOT NULL REFERENCES return_order (return_order_id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    condition TEXT NOT NULL,
    disposition TEXT NOT NULL,
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    serial TEXT,
    note TEXT,
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT return_grade_pkey PRIMARY KEY (return_order_id, line_no)
);
CREATE TRIGGER return_grade_condition_check_insert BEFORE INSERT ON return_grade
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_condition_check'); END;
CREATE TRIGGER return_grade_condition_check_update BEFORE UPDATE OF condition ON return_grade
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_condition_check'); END;
CREATE TRIGGER return_grade_disposition_check_insert BEFORE INSERT ON return_grade
    WHEN NEW.disposition IS NOT NULL AND NEW.disposition NOT IN ('RESTOCK', 'QUARANTINE', 'DISPOSE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_disposition_check'); END;
CREATE TRIGGER return_grade_disposition_check_update BEFORE UPDATE OF disposition ON return_grade
    WHEN NEW.disposition IS NOT NULL AND NEW.disposition NOT IN ('RESTOCK', 'QUARANTINE', 'DISPOSE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: return_grade_disposition_check'); END;
