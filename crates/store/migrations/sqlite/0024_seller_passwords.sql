-- The seller portal's accounts: a seller user signs in with its email and
-- a password (argon2 hash; NULL: no portal sign-in yet, only the ERP
-- authorisation tokens of 0021), as the customer's OWNER (manages users
-- and apps) or STAFF.
ALTER TABLE seller_user ADD COLUMN password_hash TEXT;
ALTER TABLE seller_user ADD COLUMN role TEXT NOT NULL DEFAULT 'OWNER';
CREATE TRIGGER seller_user_role_check_insert BEFORE INSERT ON seller_user
    WHEN NEW.role IS NOT NULL AND NEW.role NOT IN ('OWNER', 'STAFF')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: seller_user_role_check'); END;
CREATE TRIGGER seller_user_role_check_update BEFORE UPDATE OF role ON seller_user
    WHEN NEW.role IS NOT NULL AND NEW.role NOT IN ('OWNER', 'STAFF')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: seller_user_role_check'); END;
-- A seller user signing in to the portal is named as such in the trail.
DROP TRIGGER audit_log_actor_kind_check_insert;
DROP TRIGGER audit_log_actor_kind_check_update;
CREATE TRIGGER audit_log_actor_kind_check_insert BEFORE INSERT ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS', 'SYSTEM', 'SELLER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
CREATE TRIGGER audit_log_actor_kind_check_update BEFORE UPDATE OF actor_kind ON audit_log
    WHEN NEW.actor_kind IS NOT NULL AND NEW.actor_kind NOT IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS', 'SYSTEM', 'SELLER')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: audit_log_actor_kind_check'); END;
