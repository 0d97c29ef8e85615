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
ALTER TABLE dialect_alias ADD CONSTRAINT dialect_alias_dialect_check CHECK (dialect IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN'));
ALTER TABLE dialect_alias ADD CONSTRAINT dialect_alias_kind_check CHECK (kind IN ('WAREHOUSE', 'SHIPPING_SERVICE'));
