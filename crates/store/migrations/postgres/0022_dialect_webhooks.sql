-- A subscription made through a vendor dialect (JF's developer webhook
-- address) delivers that vendor's format; NULL is haicang's own.
ALTER TABLE webhook_subscription ADD COLUMN dialect TEXT;
ALTER TABLE webhook_subscription ADD CONSTRAINT webhook_subscription_dialect_check CHECK (dialect IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN'));
