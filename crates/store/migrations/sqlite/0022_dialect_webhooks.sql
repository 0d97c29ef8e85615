-- A subscription made through a vendor dialect (JF's developer webhook
-- address) delivers that vendor's format; NULL is haicang's own.
ALTER TABLE webhook_subscription ADD COLUMN dialect TEXT;
CREATE TRIGGER webhook_subscription_dialect_check_insert BEFORE INSERT ON webhook_subscription
    WHEN NEW.dialect IS NOT NULL AND NEW.dialect NOT IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_subscription_dialect_check'); END;
CREATE TRIGGER webhook_subscription_dialect_check_update BEFORE UPDATE OF dialect ON webhook_subscription
    WHEN NEW.dialect IS NOT NULL AND NEW.dialect NOT IN ('JF', 'QIANYI', 'WINIT', 'ONIXPORT', 'SUOEN')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_subscription_dialect_check'); END;
