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

ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('ADMIN', 'SUPERVISOR', 'OPERATOR'));
ALTER TABLE location ADD CONSTRAINT location_location_type_check CHECK (location_type IN ('RECEIVING', 'STORAGE', 'PICK_FACE', 'PACKING', 'SHIPPING', 'RETURNS', 'QUARANTINE', 'DEFECTIVE', 'OVERFLOW'));
ALTER TABLE product ADD CONSTRAINT product_product_type_check CHECK (product_type IN ('SINGLE', 'SUITE', 'BOX'));
ALTER TABLE product ADD CONSTRAINT product_status_check CHECK (status IN ('ACTIVE', 'INACTIVE'));
ALTER TABLE stock_balance ADD CONSTRAINT stock_balance_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE stock_summary ADD CONSTRAINT stock_summary_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE serial_number ADD CONSTRAINT serial_number_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE reservation ADD CONSTRAINT reservation_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE reservation ADD CONSTRAINT reservation_status_check CHECK (status IN ('PENDING', 'POSTED', 'VOIDED'));
ALTER TABLE inbound_order ADD CONSTRAINT inbound_order_inbound_type_check CHECK (inbound_type IN ('PARCEL', 'CARTON', 'PALLET'));
ALTER TABLE inbound_order ADD CONSTRAINT inbound_order_mode_check CHECK (mode IN ('STANDARD', 'DIRECT'));
ALTER TABLE inbound_order ADD CONSTRAINT inbound_order_status_check CHECK (status IN ('DRAFT', 'SUBMITTED', 'ARRIVED', 'RECEIVING', 'RECEIVED', 'PUTTING_AWAY', 'PUTAWAY_DONE', 'CANCELLED'));
ALTER TABLE adjustment_line ADD CONSTRAINT adjustment_line_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE inbound_putaway ADD CONSTRAINT inbound_putaway_condition_check CHECK (condition IN ('GOOD', 'DEFECTIVE', 'RETURNED', 'REFURBISHED', 'RECYCLE', 'REPAIRING'));
ALTER TABLE outbound_order ADD CONSTRAINT outbound_order_platform_check CHECK (platform IN ('AMAZON', 'EBAY', 'TEMU', 'TIKTOK', 'SHOPIFY', 'SHOPEE', 'WALMART', 'OTHER'));
ALTER TABLE outbound_order ADD CONSTRAINT outbound_order_status_check CHECK (status IN ('CREATED', 'WAVED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'CANCELLED', 'EXCEPTION'));
ALTER TABLE outbound_order ADD CONSTRAINT outbound_order_intercept_status_check CHECK (intercept_status IN ('REQUESTED', 'SUCCEEDED', 'FAILED'));
ALTER TABLE allocation ADD CONSTRAINT allocation_status_check CHECK (status IN ('OPEN', 'DONE', 'SHORT', 'RELEASED'));
ALTER TABLE customer ADD CONSTRAINT customer_status_check CHECK (status IN ('ACTIVE', 'DISABLED'));
ALTER TABLE app ADD CONSTRAINT app_status_check CHECK (status IN ('ACTIVE', 'DISABLED'));
ALTER TABLE staff ADD CONSTRAINT staff_status_check CHECK (status IN ('ACTIVE', 'DISABLED'));
ALTER TABLE warehouse ADD CONSTRAINT warehouse_status_check CHECK (status IN ('ENABLED', 'DISABLED'));
ALTER TABLE location ADD CONSTRAINT location_status_check CHECK (status IN ('ENABLED', 'DISABLED'));
ALTER TABLE shipping_service ADD CONSTRAINT shipping_service_status_check CHECK (status IN ('ENABLED', 'DISABLED'));
ALTER TABLE serial_number ADD CONSTRAINT serial_number_status_check CHECK (status IN ('IN_STOCK', 'OUT'));
ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'));
ALTER TABLE count_task ADD CONSTRAINT count_task_status_check CHECK (status IN ('OPEN', 'DONE'));
