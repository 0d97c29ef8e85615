-- Outbound orders, waves, pick batches, allocations, tracking events and
-- count tasks. Rendered for each engine by scripts/gen-migrations.

CREATE TABLE outbound_order (
    outbound_order_id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    shipping_service_id BIGINT NOT NULL REFERENCES shipping_service (shipping_service_id),
    customer_reference TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_order_no TEXT,
    recipient TEXT NOT NULL,         -- JSON of the recipient as accepted
    note TEXT,
    seller_label TEXT,               -- URL or base64 PDF from the seller
    tracking_no TEXT,
    carrier TEXT,
    status TEXT NOT NULL,
    intercept_status TEXT,           -- REQUESTED | SUCCEEDED | FAILED
    intercept_reason TEXT,
    exception_reason TEXT,
    wave_id BIGINT,
    weight_g BIGINT,
    length_mm BIGINT,
    width_mm BIGINT,
    height_mm BIGINT,
    shipped_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT outbound_order_no_key UNIQUE (order_no),
    CONSTRAINT outbound_order_reference_key UNIQUE (customer_id, customer_reference)
);
CREATE INDEX outbound_order_customer_idx ON outbound_order (customer_id, created_at);
CREATE INDEX outbound_order_status_idx ON outbound_order (warehouse_id, status, created_at);
CREATE INDEX outbound_order_tracking_idx ON outbound_order (tracking_no);

-- One line per product to ship (a kit's line becomes its components, each
-- naming the kit), with its reservation.
CREATE TABLE outbound_line (
    outbound_line_id INTEGER PRIMARY KEY,
    outbound_order_id BIGINT NOT NULL REFERENCES outbound_order (outbound_order_id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    kit_sku TEXT,
    reservation_id BIGINT NOT NULL REFERENCES reservation (reservation_id)
);
CREATE INDEX outbound_line_order_idx ON outbound_line (outbound_order_id);

CREATE TABLE wave (
    wave_id INTEGER PRIMARY KEY,
    wave_no TEXT NOT NULL,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    packing_location_id BIGINT NOT NULL REFERENCES location (location_id),
    tote_capacity BIGINT NOT NULL,
    operator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT wave_no_key UNIQUE (wave_no)
);

CREATE TABLE pick_batch (
    pick_batch_id INTEGER PRIMARY KEY,
    wave_id BIGINT NOT NULL REFERENCES wave (wave_id),
    seq BIGINT NOT NULL,
    distance_mm BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pick_batch_wave_idx ON pick_batch (wave_id);

-- Units of an order line promised from a location and lot; picked as the
-- picker scans. Open allocations hold location stock against other waves.
CREATE TABLE allocation (
    allocation_id INTEGER PRIMARY KEY,
    outbound_order_id BIGINT NOT NULL REFERENCES outbound_order (outbound_order_id),
    outbound_line_id BIGINT NOT NULL REFERENCES outbound_line (outbound_line_id),
    pick_batch_id BIGINT NOT NULL REFERENCES pick_batch (pick_batch_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    picked BIGINT NOT NULL DEFAULT 0 CHECK (picked >= 0 AND picked <= quantity),
    status TEXT NOT NULL,            -- OPEN | DONE | SHORT | RELEASED
    route_seq BIGINT NOT NULL,
    tote TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX allocation_order_idx ON allocation (outbound_order_id);
CREATE INDEX allocation_batch_idx ON allocation (pick_batch_id, route_seq);
CREATE INDEX allocation_location_idx ON allocation (location_id, lot_id, status);

-- What the seller sees under tracking: our own steps and carrier events.
CREATE TABLE shipment_event (
    outbound_order_id BIGINT NOT NULL REFERENCES outbound_order (outbound_order_id),
    code TEXT NOT NULL,              -- LABEL_CREATED | PICKED | PACKED | SHIPPED | carrier codes
    description TEXT NOT NULL,
    location TEXT,
    occurred_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX shipment_event_order_idx ON shipment_event (outbound_order_id, occurred_at);

-- A location to count: a short pick found fewer units than the books say.
CREATE TABLE count_task (
    count_task_id INTEGER PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    expected BIGINT NOT NULL,
    found BIGINT NOT NULL,
    document_no TEXT NOT NULL,
    operator TEXT NOT NULL,
    status TEXT NOT NULL,            -- OPEN | DONE
    created_at BIGINT NOT NULL
);
CREATE INDEX count_task_status_idx ON count_task (warehouse_id, status);
