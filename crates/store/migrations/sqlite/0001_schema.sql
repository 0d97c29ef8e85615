-- The schema of haicang. Written once here; `scripts/gen-migrations`
-- renders it for each engine (only the identity column differs).
-- Conventions: singular table names, <table>_id keys, times as BIGINT unix
-- milliseconds (UTC), quantities and money as BIGINT in minor units, flags
-- as BIGINT 0/1 (the sqlx Any driver reads neither BOOLEAN from SQLite nor
-- NUMERIC from PostgreSQL).

CREATE TABLE customer (
    customer_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT customer_code_key UNIQUE (code)
);

-- API credentials of a customer. Only an argon2 hash of the secret is kept.
CREATE TABLE app (
    app_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    client_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT app_client_id_key UNIQUE (client_id)
);

CREATE TABLE staff (
    staff_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT staff_username_key UNIQUE (username)
);

-- Bearer tokens, stored as SHA-256 of the token (tokens are 256 random bits,
-- so a fast hash is enough). A refresh token belongs to a family: using a
-- revoked member again revokes the whole family (a stolen token was used).
CREATE TABLE auth_token (
    auth_token_id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL,
    kind TEXT NOT NULL,              -- ACCESS | REFRESH
    app_id BIGINT REFERENCES app (app_id),
    customer_id BIGINT REFERENCES customer (customer_id),
    staff_id BIGINT REFERENCES staff (staff_id),
    family TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT auth_token_hash_key UNIQUE (token_hash),
    CONSTRAINT auth_token_one_principal CHECK ((customer_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX auth_token_family_idx ON auth_token (family);

CREATE TABLE warehouse (
    warehouse_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    timezone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'ENABLED',
    accepting_orders BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT warehouse_code_key UNIQUE (code)
);

CREATE TABLE shipping_service (
    shipping_service_id INTEGER PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    carrier TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ENABLED',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT shipping_service_code_key UNIQUE (warehouse_id, code)
);

-- Real locations. Coordinates feed the pick-route planner: aisle index,
-- position along the aisle (bay) and cross-aisle block.
CREATE TABLE location (
    location_id INTEGER PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    code TEXT NOT NULL,
    zone TEXT NOT NULL,
    aisle BIGINT NOT NULL DEFAULT 0,
    bay BIGINT NOT NULL DEFAULT 0,
    level BIGINT NOT NULL DEFAULT 0,
    location_type TEXT NOT NULL,
    x_mm BIGINT NOT NULL DEFAULT 0,
    y_mm BIGINT NOT NULL DEFAULT 0,
    block BIGINT NOT NULL DEFAULT 0,
    capacity_volume_cm3 BIGINT,
    capacity_weight_g BIGINT,
    status TEXT NOT NULL DEFAULT 'ENABLED',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT location_code_key UNIQUE (warehouse_id, code)
);
CREATE INDEX location_type_idx ON location (warehouse_id, location_type, code);

CREATE TABLE product (
    product_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    barcode TEXT NOT NULL,
    product_type TEXT NOT NULL,
    units_per_box BIGINT,
    length_um BIGINT,
    width_um BIGINT,
    height_um BIGINT,
    weight_mg BIGINT,
    declared_name_en TEXT,
    declared_name_zh TEXT,
    hs_code TEXT,
    origin_country TEXT,
    declared_value_micros BIGINT,   -- millionths of declared_currency
    declared_currency TEXT,
    declared_attribute TEXT,
    is_battery BIGINT NOT NULL DEFAULT 0,
    is_liquid BIGINT NOT NULL DEFAULT 0,
    is_magnetic BIGINT NOT NULL DEFAULT 0,
    is_fragile BIGINT NOT NULL DEFAULT 0,
    serial_managed BIGINT NOT NULL DEFAULT 0,
    batch_managed BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT product_sku_key UNIQUE (customer_id, sku),
    CONSTRAINT product_barcode_key UNIQUE (customer_id, barcode)
);
CREATE INDEX product_name_idx ON product (customer_id, name);

CREATE TABLE product_component (
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    component_product_id BIGINT NOT NULL REFERENCES product (product_id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    CONSTRAINT product_component_pkey PRIMARY KEY (product_id, component_product_id)
);

-- An inbound batch of a product: its inbound day gives storage days; batch
-- number and dates where the product is batch/expiry managed.
CREATE TABLE lot (
    lot_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_code TEXT NOT NULL,
    inbound_at BIGINT NOT NULL,
    batch_no TEXT,
    production_date TEXT,           -- YYYY-MM-DD
    expiry_date TEXT,               -- YYYY-MM-DD
    created_at BIGINT NOT NULL,
    CONSTRAINT lot_code_key UNIQUE (product_id, lot_code)
);

-- Units at a location. Only the ledger writer touches this table.
CREATE TABLE stock_balance (
    stock_balance_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT stock_balance_key UNIQUE (product_id, warehouse_id, location_id, lot_id, condition),
    CONSTRAINT stock_balance_nonnegative CHECK (quantity >= 0)
);
CREATE INDEX stock_balance_customer_idx ON stock_balance (customer_id, warehouse_id, product_id);
CREATE INDEX stock_balance_location_idx ON stock_balance (location_id);

-- Units of a product in a warehouse and condition: on_hand is the sum of the
-- balances, reserved the part promised to pending reservations.
CREATE TABLE stock_summary (
    stock_summary_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    condition TEXT NOT NULL,
    on_hand BIGINT NOT NULL,
    reserved BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT stock_summary_key UNIQUE (product_id, warehouse_id, condition),
    CONSTRAINT stock_summary_nonnegative CHECK (reserved >= 0 AND on_hand >= reserved)
);
CREATE INDEX stock_summary_customer_idx ON stock_summary (customer_id, warehouse_id);

-- A pending transfer: quantity promised at summary level, later posted
-- (shipped; the rest released) or voided.
CREATE TABLE reservation (
    reservation_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    condition TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    posted BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    document_type TEXT NOT NULL,
    document_no TEXT NOT NULL,
    document_line BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reservation_document_idx ON reservation (document_no);

-- The inventory log: every movement of units between two places (real
-- location codes or virtual '@…' codes), with the balances it touched
-- before and after, and the warehouse-level on-hand before and after.
CREATE TABLE stock_movement (
    stock_movement_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    source_before BIGINT,
    source_after BIGINT,
    target_before BIGINT,
    target_after BIGINT,
    on_hand_before BIGINT NOT NULL,
    on_hand_after BIGINT NOT NULL,
    document_type TEXT NOT NULL,
    document_no TEXT NOT NULL,
    document_line BIGINT NOT NULL,
    operator TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX stock_movement_customer_idx ON stock_movement (customer_id, created_at);
CREATE INDEX stock_movement_product_idx ON stock_movement (product_id, created_at);
CREATE INDEX stock_movement_document_idx ON stock_movement (document_no);

CREATE TABLE serial_number (
    serial_number_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    serial TEXT NOT NULL,
    warehouse_id BIGINT REFERENCES warehouse (warehouse_id),
    location_id BIGINT REFERENCES location (location_id),
    lot_id BIGINT REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    status TEXT NOT NULL,            -- IN_STOCK | OUT
    document_no TEXT NOT NULL,       -- the last document that moved it
    updated_at BIGINT NOT NULL,
    CONSTRAINT serial_number_key UNIQUE (product_id, serial)
);
CREATE INDEX serial_number_customer_idx ON serial_number (customer_id, status);

CREATE TABLE adjustment (
    adjustment_id INTEGER PRIMARY KEY,
    document_no TEXT NOT NULL,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),  -- default owner of the lines
    reason TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT adjustment_document_no_key UNIQUE (document_no)
);

-- A line may own stock of another customer than the document's default
-- (a cycle count of a shared location).
CREATE TABLE adjustment_line (
    adjustment_id BIGINT NOT NULL REFERENCES adjustment (adjustment_id),
    line_no BIGINT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    lot_id BIGINT NOT NULL REFERENCES lot (lot_id),
    condition TEXT NOT NULL,
    quantity BIGINT NOT NULL,       -- signed: + into the location, - out of it
    reason TEXT,
    CONSTRAINT adjustment_line_pkey PRIMARY KEY (adjustment_id, line_no)
);

-- Next number of each document prefix per day.
CREATE TABLE document_sequence (
    prefix TEXT NOT NULL,
    day TEXT NOT NULL,
    next_value BIGINT NOT NULL,
    CONSTRAINT document_sequence_pkey PRIMARY KEY (prefix, day)
);

-- Events written in the same transaction as the change they report
-- (transactional outbox). Delivery to webhook subscribers reads from here.
CREATE TABLE outbox_event (
    outbox_event_id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,          -- public id of the event
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    event_type TEXT NOT NULL,        -- e.g. inventory.adjusted
    payload TEXT NOT NULL,           -- JSON {id, type, occurredAt, customerCode, warehouseCode, data}
    created_at BIGINT NOT NULL,
    CONSTRAINT outbox_event_id_key UNIQUE (event_id)
);
CREATE INDEX outbox_event_customer_idx ON outbox_event (customer_id, outbox_event_id);
