-- References an ERP sends with an inbound order that haicang keeps and
-- shows back without acting on them (Winit's first-leg, customs, pickup
-- and stock-pool fields): one JSON object.
ALTER TABLE inbound_order ADD COLUMN attributes TEXT;
