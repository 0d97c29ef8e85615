-- Warehouse permissions of staff and customers, and CHECK constraints on
-- the columns that decode into core enums (crates/core: StaffRole,
-- LocationType, ProductType, ProductStatus, Condition, ReservationStatus,
-- InboundType, InboundMode, InboundStatus, Platform, OutboundStatus,
-- InterceptStatus, AllocationStatus, and status::{AccountStatus,
-- Availability, SerialStatus, DeliveryStatus, CountTaskStatus}). The store decodes these columns
-- into the enums and fails loudly on anything else; the constraints keep
-- anything else from being written in the first place.

-- The warehouses a staff member may work in; none: all of them.
CREATE TABLE staff_warehouse (
    staff_id BIGINT NOT NULL REFERENCES staff (staff_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT staff_warehouse_key PRIMARY KEY (staff_id, warehouse_id)
);

-- The warehouses a customer may use (JF 10050 otherwise).
CREATE TABLE customer_warehouse (
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouse (warehouse_id),
    created_at BIGINT NOT NULL,
    CONSTRAINT customer_warehouse_key PRIMARY KEY (customer_id, warehouse_id)
);
CREATE INDEX customer_warehouse_warehouse_idx ON customer_warehouse (warehouse_id);

-- Customers that existed before permissions keep every warehouse they
-- could use then.
INSERT INTO customer_warehouse (customer_id, warehouse_id, created_at)
    SELECT c.customer_id, w.warehouse_id, c.created_at FROM customer c CROSS JOIN warehouse w;

CREATE TRIGGER staff_role_check_insert BEFORE INSERT ON staff
    WHEN NEW.role IS NOT NULL AND NEW.role NOT IN ('ADMIN', 'SUPERVISOR', 'OPERATOR')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: staff_role_check'); END;
CREATE TRIGGER staff_role_check_update BEFORE UPDATE OF role ON staff
    WHEN NEW.role IS NOT NULL AND NEW.role NOT IN ('ADMIN', 'SUPERVISOR', 'OPERATOR')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: staff_role_check'); END;
CREATE TRIGGER location_location_type_check_insert BEFORE INSERT ON location
    WHEN NEW.location_type IS NOT NULL AND NEW.location_type NOT IN ('RECEIVING', 'STORAGE', 'PICK_FACE', 'PACKING', 'SHIPPING', 'RETURNS', 'QUARANTINE', 'DEFECTIVE', 'OVERFLOW')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: location_location_type_check'); END;
CREATE TRIGGER location_location_type_check_update BEFORE UPDATE OF location_type ON location
    WHEN NEW.location_type IS NOT NULL AND NEW.location_type NOT IN ('RECEIVING', 'STORAGE', 'PICK_FACE', 'PACKING', 'SHIPPING', 'RETURNS', 'QUARANTINE', 'DEFECTIVE', 'OVERFLOW')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: location_location_type_check'); END;
CREATE TRIGGER product_product_type_check_insert BEFORE INSERT ON product
    WHEN NEW.product_type IS NOT NULL AND NEW.product_type NOT IN ('SINGLE', 'SUITE', 'BOX')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: product_product_type_check'); END;
CREATE TRIGGER product_product_type_check_update BEFORE UPDATE OF product_type ON product
    WHEN NEW.product_type IS NOT NULL AND NEW.product_type NOT IN ('SINGLE', 'SUITE', 'BOX')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: product_product_type_check'); END;
CREATE TRIGGER product_status_check_insert BEFORE INSERT ON product
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'INACTIVE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: product_status_check'); END;
CREATE TRIGGER product_status_check_update BEFORE UPDATE OF status ON product
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'INACTIVE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: product_status_check'); END;
CREATE TRIGGER stock_balance_condition_check_insert BEFORE INSERT ON stock_balance
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_balance_condition_check'); END;
CREATE TRIGGER stock_balance_condition_check_update BEFORE UPDATE OF condition ON stock_balance
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_balance_condition_check'); END;
CREATE TRIGGER stock_summary_condition_check_insert BEFORE INSERT ON stock_summary
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_summary_condition_check'); END;
CREATE TRIGGER stock_summary_condition_check_update BEFORE UPDATE OF condition ON stock_summary
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_summary_condition_check'); END;
CREATE TRIGGER stock_movement_condition_check_insert BEFORE INSERT ON stock_movement
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_movement_condition_check'); END;
CREATE TRIGGER stock_movement_condition_check_update BEFORE UPDATE OF condition ON stock_movement
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: stock_movement_condition_check'); END;
CREATE TRIGGER serial_number_condition_check_insert BEFORE INSERT ON serial_number
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_condition_check'); END;
CREATE TRIGGER serial_number_condition_check_update BEFORE UPDATE OF condition ON serial_number
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_condition_check'); END;
CREATE TRIGGER reservation_condition_check_insert BEFORE INSERT ON reservation
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_condition_check'); END;
CREATE TRIGGER reservation_condition_check_update BEFORE UPDATE OF condition ON reservation
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_condition_check'); END;
CREATE TRIGGER reservation_status_check_insert BEFORE INSERT ON reservation
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('PENDING', 'POSTED', 'VOIDED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_status_check'); END;
CREATE TRIGGER reservation_status_check_update BEFORE UPDATE OF status ON reservation
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('PENDING', 'POSTED', 'VOIDED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reservation_status_check'); END;
CREATE TRIGGER inbound_order_inbound_type_check_insert BEFORE INSERT ON inbound_order
    WHEN NEW.inbound_type IS NOT NULL AND NEW.inbound_type NOT IN ('PARCEL', 'CARTON', 'PALLET')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_inbound_type_check'); END;
CREATE TRIGGER inbound_order_inbound_type_check_update BEFORE UPDATE OF inbound_type ON inbound_order
    WHEN NEW.inbound_type IS NOT NULL AND NEW.inbound_type NOT IN ('PARCEL', 'CARTON', 'PALLET')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_inbound_type_check'); END;
CREATE TRIGGER inbound_order_mode_check_insert BEFORE INSERT ON inbound_order
    WHEN NEW.mode IS NOT NULL AND NEW.mode NOT IN ('STANDARD', 'DIRECT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_mode_check'); END;
CREATE TRIGGER inbound_order_mode_check_update BEFORE UPDATE OF mode ON inbound_order
    WHEN NEW.mode IS NOT NULL AND NEW.mode NOT IN ('STANDARD', 'DIRECT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_mode_check'); END;
CREATE TRIGGER inbound_order_status_check_insert BEFORE INSERT ON inbound_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('DRAFT', 'SUBMITTED', 'ARRIVED', 'RECEIVING', 'RECEIVED', 'PUTTING_AWAY', 'PUTAWAY_DONE', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_status_check'); END;
CREATE TRIGGER inbound_order_status_check_update BEFORE UPDATE OF status ON inbound_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('DRAFT', 'SUBMITTED', 'ARRIVED', 'RECEIVING', 'RECEIVED', 'PUTTING_AWAY', 'PUTAWAY_DONE', 'CANCELLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_order_status_check'); END;
CREATE TRIGGER adjustment_line_condition_check_insert BEFORE INSERT ON adjustment_line
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: adjustment_line_condition_check'); END;
CREATE TRIGGER adjustment_line_condition_check_update BEFORE UPDATE OF condition ON adjustment_line
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: adjustment_line_condition_check'); END;
CREATE TRIGGER inbound_putaway_condition_check_insert BEFORE INSERT ON inbound_putaway
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_putaway_condition_check'); END;
CREATE TRIGGER inbound_putaway_condition_check_update BEFORE UPDATE OF condition ON inbound_putaway
    WHEN NEW.condition IS NOT NULL AND NEW.condition NOT IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: inbound_putaway_condition_check'); END;
CREATE TRIGGER outbound_order_platform_check_insert BEFORE INSERT ON outbound_order
    WHEN NEW.platform IS NOT NULL AND NEW.platform NOT IN ('AMAZON', 'EBAY', 'TEMU', 'TIKTOK', 'SHOPIFY', 'SHOPEE', 'WALMART', 'OTHER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_platform_check'); END;
CREATE TRIGGER outbound_order_platform_check_update BEFORE UPDATE OF platform ON outbound_order
    WHEN NEW.platform IS NOT NULL AND NEW.platform NOT IN ('AMAZON', 'EBAY', 'TEMU', 'TIKTOK', 'SHOPIFY', 'SHOPEE', 'WALMART', 'OTHER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_platform_check'); END;
CREATE TRIGGER outbound_order_status_check_insert BEFORE INSERT ON outbound_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('CREATED', 'WAVED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED', 'EXCEPTION')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_status_check'); END;
CREATE TRIGGER outbound_order_status_check_update BEFORE UPDATE OF status ON outbound_order
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('CREATED', 'WAVED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED', 'EXCEPTION')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_status_check'); END;
CREATE TRIGGER outbound_order_intercept_status_check_insert BEFORE INSERT ON outbound_order
    WHEN NEW.intercept_status IS NOT NULL AND NEW.intercept_status NOT IN ('REQUESTED', 'SUCCEEDED', 'FAILED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_intercept_status_check'); END;
CREATE TRIGGER outbound_order_intercept_status_check_update BEFORE UPDATE OF intercept_status ON outbound_order
    WHEN NEW.intercept_status IS NOT NULL AND NEW.intercept_status NOT IN ('REQUESTED', 'SUCCEEDED', 'FAILED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbound_order_intercept_status_check'); END;
CREATE TRIGGER allocation_status_check_insert BEFORE INSERT ON allocation
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'DONE', 'SHORT', 'RELEASED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: allocation_status_check'); END;
CREATE TRIGGER allocation_status_check_update BEFORE UPDATE OF status ON allocation
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'DONE', 'SHORT', 'RELEASED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: allocation_status_check'); END;
CREATE TRIGGER customer_status_check_insert BEFORE INSERT ON customer
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: customer_status_check'); END;
CREATE TRIGGER customer_status_check_update BEFORE UPDATE OF status ON customer
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: customer_status_check'); END;
CREATE TRIGGER app_status_check_insert BEFORE INSERT ON app
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: app_status_check'); END;
CREATE TRIGGER app_status_check_update BEFORE UPDATE OF status ON app
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: app_status_check'); END;
CREATE TRIGGER staff_status_check_insert BEFORE INSERT ON staff
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: staff_status_check'); END;
CREATE TRIGGER staff_status_check_update BEFORE UPDATE OF status ON staff
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: staff_status_check'); END;
CREATE TRIGGER warehouse_status_check_insert BEFORE INSERT ON warehouse
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: warehouse_status_check'); END;
CREATE TRIGGER warehouse_status_check_update BEFORE UPDATE OF status ON warehouse
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: warehouse_status_check'); END;
CREATE TRIGGER location_status_check_insert BEFORE INSERT ON location
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: location_status_check'); END;
CREATE TRIGGER location_status_check_update BEFORE UPDATE OF status ON location
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: location_status_check'); END;
CREATE TRIGGER shipping_service_status_check_insert BEFORE INSERT ON shipping_service
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: shipping_service_status_check'); END;
CREATE TRIGGER shipping_service_status_check_update BEFORE UPDATE OF status ON shipping_service
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ENABLED', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: shipping_service_status_check'); END;
CREATE TRIGGER serial_number_status_check_insert BEFORE INSERT ON serial_number
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('IN_STOCK', 'OUT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_status_check'); END;
CREATE TRIGGER serial_number_status_check_update BEFORE UPDATE OF status ON serial_number
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('IN_STOCK', 'OUT')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: serial_number_status_check'); END;
CREATE TRIGGER webhook_delivery_status_check_insert BEFORE INSERT ON webhook_delivery
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('PENDING', 'DELIVERED', 'FAILED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_delivery_status_check'); END;
CREATE TRIGGER webhook_delivery_status_check_update BEFORE UPDATE OF status ON webhook_delivery
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('PENDING', 'DELIVERED', 'FAILED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_delivery_status_check'); END;
CREATE TRIGGER count_task_status_check_insert BEFORE INSERT ON count_task
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'DONE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_task_status_check'); END;
CREATE TRIGGER count_task_status_check_update BEFORE UPDATE OF status ON count_task
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('OPEN', 'DONE')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: count_task_status_check'); END;
