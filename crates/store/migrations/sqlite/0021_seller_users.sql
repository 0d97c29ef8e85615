-- Seller users: the people of a customer (the portal's accounts, and the
-- "merchant" a JF ERP authorises as: its email and an authorisation
-- token issued to it). Tokens and one-time OAuth keys are stored as
-- SHA-256 only.
CREATE TABLE seller_user (
    seller_user_id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    email TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at BIGINT NOT NULL,
    CONSTRAINT seller_user_email_key UNIQUE (email)
);
CREATE INDEX seller_user_customer_idx ON seller_user (customer_id);
CREATE TRIGGER seller_user_status_check_insert BEFORE INSERT ON seller_user
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: seller_user_status_check'); END;
CREATE TRIGGER seller_user_status_check_update BEFORE UPDATE OF status ON seller_user
    WHEN NEW.status IS NOT NULL AND NEW.status NOT IN ('ACTIVE', 'DISABLED')
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: seller_user_status_check'); END;

-- An authorisation token a seller user gives its ERP (JF `token`): used
-- once unless issued reusable (the demo's).
CREATE TABLE seller_grant (
    seller_grant_id INTEGER PRIMARY KEY,
    seller_user_id BIGINT NOT NULL REFERENCES seller_user (seller_user_id),
    token_hash TEXT NOT NULL,
    reusable INTEGER NOT NULL DEFAULT 0,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT seller_grant_token_key UNIQUE (token_hash)
);

-- The one-time key `/api/oauth/authorize` answers: exchanged once, by the
-- same app, within minutes.
CREATE TABLE oauth_key (
    key_hash TEXT NOT NULL,
    app_id BIGINT NOT NULL REFERENCES app (app_id),
    seller_user_id BIGINT NOT NULL REFERENCES seller_user (seller_user_id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT oauth_key_pkey PRIMARY KEY (key_hash)
);
