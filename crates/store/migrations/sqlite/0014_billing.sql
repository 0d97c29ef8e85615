-- Billing: rate cards (versioned), charges (each once, by its key), wallets
-- with credit, bills per customer, currency and month.
CREATE TABLE rate_card (
    rate_card_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,          -- ISO 4217; every rate in its minor unit
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT rate_card_code_key UNIQUE (code)
);

-- A new version never rewrites charges made under an older one.
CREATE TABLE rate_card_version (
    rate_card_version_id INTEGER PRIMARY KEY,
    rate_card_id BIGINT NOT NULL REFERENCES rate_card (rate_card_id),
    version BIGINT NOT NULL,
    effective_from TEXT NOT NULL,    -- YYYY-MM-DD, UTC day
    rates TEXT NOT NULL,             -- JSON of core::billing::Rates
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT rate_card_version_key UNIQUE (rate_card_id, version)
);

ALTER TABLE customer ADD COLUMN rate_card_id BIGINT REFERENCES rate_card (rate_card_id);
ALTER TABLE customer ADD COLUMN credit_policy TEXT NOT NULL DEFAULT 'REFUSE';
CREATE TRIGGER customer_credit_policy_check_insert BEFORE INSERT ON customer
    WHEN NEW.credit_policy IS NOT NULL AND NEW.credit_policy NOT IN ('REFUSE', 'ALLOW')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: customer_credit_policy_check'); END;
CREATE TRIGGER customer_credit_policy_check_update BEFORE UPDATE OF credit_policy ON customer
    WHEN NEW.credit_policy IS NOT NULL AND NEW.credit_policy NOT IN ('REFUSE', 'ALLOW')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: customer_credit_policy_check'); END;

CREATE TABLE wallet (
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    currency TEXT NOT NULL,
    balance BIGINT NOT NULL,         -- minor units; below zero is owed
    credit_limit BIGINT NOT NULL CHECK (credit_limit >= 0),
    updated_at BIGINT NOT NULL,
    CONSTRAINT wallet_pkey PRIMARY KEY (customer_id, currency)
);

CREATE TABLE bill (
    bill_id INTEGER PRIMARY KEY,
    bill_no TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    currency TEXT NOT NULL,
    period_from TEXT NOT NULL,       -- YYYY-MM-DD, first day
    period_to TEXT NOT NULL,         -- YYYY-MM-DD, last day
    status TEXT NOT NULL,
    issued_at BIGINT,
    paid_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT bill_no_key UNIQUE (bill_no),
    CONSTRAINT bill_period_key UNIQUE (customer_id, currency, period_from)
);
CREATE TRIGGER bill_status_check_insert BEFORE INSERT ON bill
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'ISSUED', 'PAID')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: bill_status_check'); END;
CREATE TRIGGER bill_status_check_update BEFORE UPDATE OF status ON bill
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'ISSUED', 'PAID')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: bill_status_check'); END;

-- One row per charge line; charge_key makes it once (the event or document
-- and the line, or the storage day, warehouse and tier).
CREATE TABLE charge (
    charge_id INTEGER PRIMARY KEY,
    charge_key TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT REFERENCES warehouse (warehouse_id),
    charge_type TEXT NOT NULL,
    currency TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_rate BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    detail TEXT NOT NULL,
    document_type TEXT,
    document_no TEXT,
    event_id TEXT,
    rate_card_version_id BIGINT REFERENCES rate_card_version (rate_card_version_id),
    day TEXT NOT NULL,               -- YYYY-MM-DD the charge belongs to
    bill_id BIGINT NOT NULL REFERENCES bill (bill_id),
    operator TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT charge_key_key UNIQUE (charge_key)
);
CREATE INDEX charge_customer_idx ON charge (customer_id, day);
CREATE INDEX charge_document_idx ON charge (document_no);
CREATE INDEX charge_bill_idx ON charge (bill_id);
CREATE TRIGGER charge_charge_type_check_insert BEFORE INSERT ON charge
    WHEN NEW.charge_type IS NOT NULL AND NEW.charge_type NOT IN ('INBOUND_RECEIVING', 'PUTAWAY', 'OUTBOUND_ORDER', 'PICK', 'PACKING_MATERIAL', 'LABEL', 'STORAGE', 'RETURN', 'WORK_ORDER', 'TRANSFER', 'COUNT', 'VAS')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: charge_charge_type_check'); END;
CREATE TRIGGER charge_charge_type_check_update BEFORE UPDATE OF charge_type ON charge
    WHEN NEW.charge_type IS NOT NULL AND NEW.charge_type NOT IN ('INBOUND_RECEIVING', 'PUTAWAY', 'OUTBOUND_ORDER', 'PICK', 'PACKING_MATERIAL', 'LABEL', 'STORAGE', 'RETURN', 'WORK_ORDER', 'TRANSFER', 'COUNT', 'VAS')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: charge_charge_type_check'); END;

CREATE TABLE wallet_transaction (
    wallet_transaction_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    currency TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,          -- signed: top-ups up, charges down
    balance_after BIGINT NOT NULL,
    reference TEXT,
    charge_id BIGINT REFERENCES charge (charge_id),
    operator TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX wallet_transaction_customer_idx ON wallet_transaction (customer_id, wallet_transaction_id);
CREATE TRIGGER wallet_transaction_kind_check_insert BEFORE INSERT ON wallet_transaction
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('TOPUP', 'REFUND', 'CHARGE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: wallet_transaction_kind_check'); END;
CREATE TRIGGER wallet_transaction_kind_check_update BEFORE UPDATE OF kind ON wallet_transaction
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('TOPUP', 'REFUND', 'CHARGE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: wallet_transaction_kind_check'); END;
CREATE TRIGGER wallet_transaction_no_update BEFORE UPDATE ON wallet_transaction
    BEGIN SELECT RAISE(ABORT, 'wallet_transaction is append-only'); END;
CREATE TRIGGER wallet_transaction_no_delete BEFORE DELETE ON wallet_transaction
    BEGIN SELECT RAISE(ABORT, 'wallet_transaction is append-only'); END;

-- Days whose storage has been charged (a missed day is caught up).
CREATE TABLE storage_day (
    day TEXT NOT NULL,
    finished_at BIGINT NOT NULL,
    CONSTRAINT storage_day_pkey PRIMARY KEY (day)
);

-- Scheduled runs inside `serve` (storage billing) act as SYSTEM.
DROP TRIGGER audit_log_actor_kind_check_insert;
DROP TRIGGER audit_log_actor_kind_check_update;
CREATE TRIGGER audit_log_actor_kind_check_insert BEFORE INSERT ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS', 'SYSTEM')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
CREATE TRIGGER audit_log_actor_kind_check_update BEFORE UPDATE OF actor_kind ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS', 'SYSTEM')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
