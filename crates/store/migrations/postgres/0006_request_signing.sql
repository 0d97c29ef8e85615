-- Request signing: apps that must sign, and the nonces seen in the window.
ALTER TABLE app ADD COLUMN signing_required BIGINT NOT NULL DEFAULT 0;
-- SHA-256 of the app secret: the HMAC key of signed requests (the secret
-- itself is kept only as an argon2 hash).
ALTER TABLE app ADD COLUMN signing_key TEXT;

CREATE TABLE request_nonce (
    app_id BIGINT NOT NULL REFERENCES app (app_id),
    nonce TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    CONSTRAINT request_nonce_pkey PRIMARY KEY (app_id, nonce)
);
CREATE INDEX request_nonce_seen_idx ON request_nonce (seen_at);
