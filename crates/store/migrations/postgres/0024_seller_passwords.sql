-- The seller portal's accounts: a seller user signs in with its email and
-- a password (argon2 hash; NULL: no portal sign-in yet, only the ERP
-- authorisation tokens of 0021), as the customer's OWNER (manages users
-- and apps) or STAFF.
ALTER TABLE seller_user ADD COLUMN password_hash TEXT;
ALTER TABLE seller_user ADD COLUMN role TEXT NOT NULL DEFAULT 'OWNER';
ALTER TABLE seller_user ADD CONSTRAINT seller_user_role_check CHECK (role IN ('OWNER', 'STAFF'));
-- A seller user signing in to the portal is named as such in the trail.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind_check CHECK (actor_kind IN ('STAFF', 'APP', 'CUSTOMER', 'CLI', 'ANONYMOUS', 'SYSTEM', 'SELLER'));
