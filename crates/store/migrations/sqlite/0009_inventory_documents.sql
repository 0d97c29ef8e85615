-- Moves and condition conversions: one header per document; its lines are
-- the document's movements in stock_movement (document type and number,
-- line, from, to, lot, condition, quantity, before and after), so nothing
-- is written twice.
CREATE TABLE inventory_document (
    inventory_document_id INTEGER PRIMARY KEY,
    document_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    reason TEXT,
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT inventory_document_no_key UNIQUE (document_no)
);
CREATE TRIGGER inventory_document_kind_check_insert BEFORE INSERT ON inventory_document
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('MOVE', 'CONVERSION')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inventory_document_kind_check'); END;
CREATE TRIGGER inventory_document_kind_check_update BEFORE UPDATE OF kind ON inventory_document
    WHEN NEW.kind IS NOT NULL AND NEW.kind NOT IN ('MOVE', 'CONVERSION')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inventory_document_kind_check'); END;
