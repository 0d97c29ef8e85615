-- Pick-face replenishment: a SKU's minimum and maximum at a pick face.
-- Below the minimum, a plan proposes moves from reserve locations (oldest
-- lots first) up to the maximum.
CREATE TABLE replenishment_rule (
    location_id BIGINT NOT NULL REFERENCES location (location_id),
    product_id BIGINT NOT NULL REFERENCES product (product_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    min_quantity BIGINT NOT NULL CHECK (min_quantity >= 0),
    max_quantity BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT replenishment_rule_key PRIMARY KEY (location_id, product_id),
    CONSTRAINT replenishment_rule_range CHECK (max_quantity > min_quantity)
);
CREATE INDEX replenishment_rule_warehouse_idx ON replenishment_rule (warehouse_id);
