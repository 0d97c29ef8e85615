-- Inbound orders (ASN), their boxes and lines, what was counted and what
-- was put away. Rendered for each engine by scripts/gen-migrations.

-- Putaway rules need to know what a location may hold.
ALTER TABLE location ADD COLUMN restriction TEXT;                -- NULL | BATTERY | LIQUID
ALTER TABLE location ADD COLUMN single_sku BIGINT NOT NULL DEFAULT 0;

CREATE TABLE inbound_order (
    inbound_order_id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    customer_reference TEXT NOT NULL,
    request_hash TEXT NOT NULL,     -- SHA-256 of the creating request: same body, same order
    inbound_type TEXT NOT NULL,     -- PARCEL | CARTON | PALLET
    mode TEXT NOT NULL,             -- STANDARD | DIRECT
    forecast BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    expected_arrival TEXT,          -- YYYY-MM-DD
    carrier TEXT,
    tracking_no TEXT,
    note TEXT,
    box_count BIGINT NOT NULL,
    unit_count BIGINT NOT NULL,
    receiving_location_id BIGINT REFERENCES location (location_id),
    arrived_at BIGINT,
    received_at BIGINT,
    putaway_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT inbound_order_no_key UNIQUE (order_no),
    CONSTRAINT inbound_order_reference_key UNIQUE (customer_id, customer_reference)
);
CREATE INDEX inbound_order_customer_idx ON inbound_order (customer_id, created_at);
CREATE INDEX inbound_order_tracking_idx ON inbound_order (warehouse_id, tracking_no);

CREATE TABLE inbound_box (
    inbound_box_id INTEGER PRIMARY KEY,
    inbound_order_id BIGINT NOT NULL REFERENCES inbound_order (inbound_order_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    seq BIGINT NOT NULL,            -- 1..n: "box i of n"
    box_no TEXT NOT NULL,           -- the seller's number
    scan_code TEXT NOT NULL,        -- what our label's barcode carries
    barcode TEXT,                   -- a third-party label already on the box
    length_mm BIGINT NOT NULL,
    width_mm BIGINT NOT NULL,
    height_mm BIGINT NOT NULL,
    weight_g BIGINT NOT NULL,
    received_at BIGINT,
    CONSTRAINT inbound_box_no_key UNIQUE (inbound_order_id, box_no),
    CONSTRAINT inbound_box_scan_key UNIQUE (warehouse_id, scan_code),
    CONSTRAINT inbound_box_barcode_key UNIQUE (warehouse_id, barcode)
);

-- What the seller announced: per box, or per order for a forecast.
CREATE TABLE inbound_line (
    inbound_line_id INTEGER PRIMARY KEY,
    inbound_order_id BIGINT NOT NULL REFERENCES inbound_order (inbound_order_id),
    inbound_box_id BIGINT REFERENCES inbound_box (inbound_box_id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    batch_no TEXT,
    production_date TEXT,
    expiry_date TEXT,
    serials TEXT                    -- JSON array, when announced
);
CREATE INDEX inbound_line_order_idx ON inbound_line (inbound_order_id);
CREATE INDEX inbound_line_product_idx ON inbound_line (product_id);

-- What staff counted, scan by scan. Never rewritten: a recount adds a row.
CREATE TABLE inbound_receipt (
    inbound_receipt_id INTEGER PRIMARY KEY,
    inbound_order_id BIGINT NOT NULL REFERENCES inbound_order (inbound_order_id),
    inbound_box_id BIGINT REFERENCES inbound_box (inbound_box_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    good BIGINT NOT NULL CHECK (good >= 0),
    defective BIGINT NOT NULL CHECK (defective >= 0),
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL
);
CREATE INDEX inbound_receipt_order_idx ON inbound_receipt (inbound_order_id);

CREATE TABLE inbound_putaway (
    inbound_putaway_id INTEGER PRIMARY KEY,
    inbound_order_id BIGINT NOT NULL REFERENCES inbound_order (inbound_order_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    proposed_location_id BIGINT REFERENCES location (location_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL
);
CREATE INDEX inbound_putaway_order_idx ON inbound_putaway (inbound_order_id);

CREATE TABLE inbound_status_history (
    inbound_order_id BIGINT NOT NULL REFERENCES inbound_order (inbound_order_id),
    status TEXT NOT NULL,
    operator TEXT NOT NULL,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX inbound_status_history_idx ON inbound_status_history (inbound_order_id);
