-- Transfers between warehouses and B2B (marketplace) box shipments. Both
-- are outbound orders of another kind: the source warehouse waves, picks,
-- packs and ships them like any order. A transfer to a warehouse leaves to
-- @TRANSFER_TRANSIT and, in the shipping transaction, becomes an inbound
-- order (origin TRANSFER, the same number) at the destination, received
-- from @TRANSFER_TRANSIT by the inbound flow.
ALTER TABLE outbound_order ADD COLUMN order_kind TEXT NOT NULL DEFAULT 'PARCEL';
ALTER TABLE outbound_order ADD COLUMN to_warehouse_id BIGINT REFERENCES warehouse (warehouse_id);
ALTER TABLE outbound_order ADD COLUMN shipment_id TEXT;            -- the marketplace's (FBA shipment id …)
ALTER TABLE outbound_order ADD COLUMN destination_platform TEXT;   -- AMAZON_FBA, WALMART_WFS, …
ALTER TABLE outbound_order ADD COLUMN inbound_order_id BIGINT REFERENCES inbound_order (inbound_order_id);
CREATE TRIGGER outbound_order_order_kind_check_insert BEFORE INSERT ON outbound_order
    WHEN NEW.order_kind IS NOT NULL AND NEW.order_kind NOT IN ('PARCEL', 'TRANSFER', 'B2B')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_order_kind_check'); END;
CREATE TRIGGER outbound_order_order_kind_check_update BEFORE UPDATE OF order_kind ON outbound_order
    WHEN NEW.order_kind IS NOT NULL AND NEW.order_kind NOT IN ('PARCEL', 'TRANSFER', 'B2B')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_order_kind_check'); END;
CREATE INDEX outbound_order_kind_idx ON outbound_order (customer_id, order_kind, created_at);

-- NULL: announced by the seller; TRANSFER: the receiving leg of a transfer.
ALTER TABLE inbound_order ADD COLUMN origin TEXT;
CREATE TRIGGER inbound_order_origin_check_insert BEFORE INSERT ON inbound_order
    WHEN NEW.origin IS NOT NULL AND NEW.origin NOT IN ('TRANSFER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_origin_check'); END;
CREATE TRIGGER inbound_order_origin_check_update BEFORE UPDATE OF origin ON inbound_order
    WHEN NEW.origin IS NOT NULL AND NEW.origin NOT IN ('TRANSFER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_origin_check'); END;

-- How the seller wants units cartoned (per SKU: units in each carton and
-- how many cartons). Packing must then fill exactly these cartons.
CREATE TABLE carton_plan (
    outbound_order_id BIGINT NOT NULL REFERENCES outbound_order (outbound_order_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    units_per_box BIGINT NOT NULL CHECK (units_per_box > 0),
    boxes BIGINT NOT NULL CHECK (boxes > 0),
    CONSTRAINT carton_plan_pkey PRIMARY KEY (outbound_order_id, product_id, units_per_box)
);

-- The cartons an order was packed into (transfers and B2B), each with a
-- scan code <orderNo>-<seq:03> its label carries.
CREATE TABLE outbound_box (
    outbound_box_id INTEGER PRIMARY KEY,
    outbound_order_id BIGINT NOT NULL REFERENCES outbound_order (outbound_order_id),
    seq BIGINT NOT NULL,
    scan_code TEXT NOT NULL,
    weight_g BIGINT NOT NULL CHECK (weight_g > 0),
    length_mm BIGINT NOT NULL CHECK (length_mm > 0),
    width_mm BIGINT NOT NULL CHECK (width_mm > 0),
    height_mm BIGINT NOT NULL CHECK (height_mm > 0),
    created_at BIGINT NOT NULL,
    CONSTRAINT outbound_box_seq_key UNIQUE (outbound_order_id, seq),
    CONSTRAINT outbound_box_scan_key UNIQUE (scan_code)
);

CREATE TABLE outbound_box_line (
    outbound_box_id BIGINT NOT NULL REFERENCES outbound_box (outbound_box_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    CONSTRAINT outbound_box_line_pkey PRIMARY KEY (outbound_box_id, product_id)
);
