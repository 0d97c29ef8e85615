-- Assembly and disassembly work orders (WO…): inputs reserved at creation,
-- consumed to @KITTING and outputs received from it at each completion
-- (partial completions allowed), the rest released on cancel.
CREATE TABLE work_order (
    work_order_id INTEGER PRIMARY KEY,
    order_no TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    work_type TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),   -- the kit (SUITE)
    quantity BIGINT NOT NULL CHECK (quantity > 0),               -- kits to make or take apart
    done BIGINT NOT NULL DEFAULT 0,                              -- kits produced / taken apart so far
    rejected BIGINT NOT NULL DEFAULT 0,                          -- kits spoiled (inputs used, nothing out)
    customer_reference TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    station_location_id BIGINT NOT NULL REFERENCES location (location_id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT,
    CONSTRAINT work_order_no_key UNIQUE (order_no),
    CONSTRAINT work_order_reference_key UNIQUE (customer_id, customer_reference)
);
CREATE INDEX work_order_customer_idx ON work_order (customer_id, created_at);
CREATE TRIGGER work_order_work_type_check_insert BEFORE INSERT ON work_order
    WHEN NEW.work_type IS NOT NULL AND NEW.work_type NOT IN ('ASSEMBLY', 'DISASSEMBLY')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: work_order_work_type_check'); END;
CREATE TRIGGER work_order_work_type_check_update BEFORE UPDATE OF work_type ON work_order
    WHEN NEW.work_type IS NOT NULL AND NEW.work_type NOT IN ('ASSEMBLY', 'DISASSEMBLY')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: work_order_work_type_check'); END;
CREATE TRIGGER work_order_status_check_insert BEFORE INSERT ON work_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('CREATED', 'STARTED', 'PARTIAL', 'COMPLETED', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: work_order_status_check'); END;
CREATE TRIGGER work_order_status_check_update BEFORE UPDATE OF status ON work_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('CREATED', 'STARTED', 'PARTIAL', 'COMPLETED', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: work_order_status_check'); END;

-- What each kit needs (per kit), and the reservation holding what is left.
CREATE TABLE work_order_input (
    work_order_id BIGINT NOT NULL REFERENCES work_order (work_order_id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    per_kit BIGINT NOT NULL CHECK (per_kit > 0),
    reservation_id BIGINT REFERENCES reservation (reservation_id),
    CONSTRAINT work_order_input_pkey PRIMARY KEY (work_order_id, line_no)
);

-- Each completion: who did it and what came out.
CREATE TABLE work_order_completion (
    work_order_id BIGINT NOT NULL REFERENCES work_order (work_order_id),
    seq BIGINT NOT NULL,
    produced BIGINT NOT NULL CHECK (produced >= 0),
    rejected BIGINT NOT NULL CHECK (rejected >= 0),
    workers TEXT NOT NULL,           -- JSON array of names
    lot_id BIGINT REFERENCES lot (lot_id),
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT work_order_completion_pkey PRIMARY KEY (work_order_id, seq)
);
