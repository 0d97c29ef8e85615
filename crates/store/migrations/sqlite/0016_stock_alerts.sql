-- Stock alerts: a seller's rules, and the alerts they open (one open alert
-- per rule, product, warehouse and lot at a time) and close.
CREATE TABLE alert_rule (
    alert_rule_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    alert_type TEXT NOT NULL,
    product_id BIGINT REFERENCES product (product_id),       -- NULL: every SKU
    warehouse_id BIGINT REFERENCES warehouse (warehouse_id), -- NULL: every warehouse
    threshold BIGINT NOT NULL CHECK (threshold >= 0),       -- units, or days
    created_at BIGINT NOT NULL
);
CREATE INDEX alert_rule_customer_idx ON alert_rule (customer_id, alert_type);
CREATE TRIGGER alert_rule_alert_type_check_insert BEFORE INSERT ON alert_rule
    WHEN NEW.alert_type IS NOT NULL AND NEW.alert_type NOT IN ('LOW_AVAILABLE', 'EXPIRING', 'AGEING', 'NO_MOVEMENT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: alert_rule_alert_type_check'); END;
CREATE TRIGGER alert_rule_alert_type_check_update BEFORE UPDATE OF alert_type ON alert_rule
    WHEN NEW.alert_type IS NOT NULL AND NEW.alert_type NOT IN ('LOW_AVAILABLE', 'EXPIRING', 'AGEING', 'NO_MOVEMENT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: alert_rule_alert_type_check'); END;

CREATE TABLE stock_alert (
    stock_alert_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    alert_type TEXT NOT NULL,
    rule_key TEXT NOT NULL,          -- type, product, warehouse, lot: what the alert is about
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    lot_id BIGINT REFERENCES lot (lot_id),
    status TEXT NOT NULL,
    value BIGINT NOT NULL,           -- what was observed (units or days)
    threshold BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE UNIQUE INDEX stock_alert_open_key ON stock_alert (customer_id, rule_key) WHERE status = 'OPEN';
CREATE INDEX stock_alert_customer_idx ON stock_alert (customer_id, status);
CREATE TRIGGER stock_alert_status_check_insert BEFORE INSERT ON stock_alert
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'CLOSED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_alert_status_check'); END;
CREATE TRIGGER stock_alert_status_check_update BEFORE UPDATE OF status ON stock_alert
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'CLOSED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_alert_status_check'); END;
CREATE TRIGGER stock_alert_alert_type_check_insert BEFORE INSERT ON stock_alert
    WHEN NEW.alert_type IS NOT NULL AND NEW.alert_type NOT IN ('LOW_AVAILABLE', 'EXPIRING', 'AGEING', 'NO_MOVEMENT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_alert_alert_type_check'); END;
CREATE TRIGGER stock_alert_alert_type_check_update BEFORE UPDATE OF alert_type ON stock_alert
    WHEN NEW.alert_type IS NOT NULL AND NEW.alert_type NOT IN ('LOW_AVAILABLE', 'EXPIRING', 'AGEING', 'NO_MOVEMENT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_alert_alert_type_check'); END;
