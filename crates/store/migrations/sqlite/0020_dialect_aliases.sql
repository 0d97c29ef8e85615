-- The codes a seller's ERP already uses with another WMS vendor, per
-- dialect: JF warehouse code YK is haicang's US-LA01. Gateways translate
-- through these both ways; `haicang admin alias` manages them.
CREATE TABLE dialect_alias (
    dialect TEXT NOT NULL,
    kind TEXT NOT NULL,
    vendor_code TEXT NOT NULL,
    haicang_code TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT dialect_alias_pkey PRIMARY KEY (dialect, kind, vendor_code)
);
CREATE INDEX dialect_alias_reverse_idx ON dialect_alias (dialect, kind, haicang_code);
CREATE TRIGGER dialect_alias_dialect_check_insert BEFORE INSERT ON dialect_alias
    WHEN NEW.dialect IS NOT NULL AND NEW.dialect NOT IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: dialect_alias_dialect_check'); END;
CREATE TRIGGER dialect_alias_dialect_check_update BEFORE UPDATE OF dialect ON dialect_alias
    WHEN NEW.dialect IS NOT NULL AND NEW.dialect NOT IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: dialect_alias_dialect_check'); END;
CREATE TRIGGER dialect_alias_kind_check_insert BEFORE INSERT ON dialect_alias
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('WAREHOUSE', 'SHIPPING_SERVICE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: dialect_alias_kind_check'); END;
CREATE TRIGGER dialect_alias_kind_check_update BEFORE UPDATE OF kind ON dialect_alias
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('WAREHOUSE', 'SHIPPING_SERVICE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: dialect_alias_kind_check'); END;
