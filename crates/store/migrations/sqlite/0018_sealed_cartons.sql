-- Sealed cartons (licence plates): units of one SKU, lot and condition at a
-- location, kept closed. The units stay in stock_balance (the ledger is the
-- truth of units); a carton says which of them are sealed, so ordinary
-- picks, issues and moves leave them alone (whole cartons travel with
-- moves and putaway; a B2B order may ship them by number).
CREATE TABLE carton (
    carton_id INTEGER PRIMARY KEY,
    lpn TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    units BIGINT NOT NULL CHECK (units > 0),
    weight_g BIGINT,                 -- as received (an inbound box's measures), when known
    length_mm BIGINT,
    width_mm BIGINT,
    height_mm BIGINT,
    status TEXT NOT NULL,
    outbound_order_id BIGINT REFERENCES outbound_order (outbound_order_id),
    origin_document_no TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT carton_lpn_key UNIQUE (lpn)
);
CREATE INDEX carton_place_idx ON carton (location_id, product_id, lot_id, status);
CREATE INDEX carton_customer_idx ON carton (customer_id, warehouse_id, status);
CREATE TRIGGER carton_status_check_insert BEFORE INSERT ON carton
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('SEALED', 'RESERVED', 'ALLOCATED', 'OPENED', 'SHIPPED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: carton_status_check'); END;
CREATE TRIGGER carton_status_check_update BEFORE UPDATE OF status ON carton
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('SEALED', 'RESERVED', 'ALLOCATED', 'OPENED', 'SHIPPED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: carton_status_check'); END;

-- 1: a CARTON inbound whose single-SKU boxes are kept closed as cartons.
ALTER TABLE inbound_order ADD COLUMN keep_sealed BIGINT NOT NULL DEFAULT 0;
-- A B2B order line that is one whole sealed carton.
ALTER TABLE outbound_line ADD COLUMN carton_id BIGINT REFERENCES carton (carton_id);
