-- A page of stock (`GET /inventory`, the portal's stock) sums, for its
-- products, the units waves allocated, the units received on open inbound
-- orders and the returns announced (`stock::add_stock_extras`). Without
-- these indexes each of those sums read its whole table, which only grows
-- (allocations and receipts are kept as history).
CREATE INDEX allocation_product_idx ON allocation (product_id);
CREATE INDEX inbound_receipt_product_idx ON inbound_receipt (product_id);
CREATE INDEX return_line_product_idx ON return_line (product_id);
