-- Webhook subscriptions and deliveries; the event feed's commit-order key.
-- Rendered for each engine by scripts/gen-migrations.

-- The transaction that wrote an event (PostgreSQL txid; 0 on SQLite, whose
-- writers are serialised so that ids are already in commit order). The
-- feed and the delivery worker read (txid, id) below the oldest running
-- transaction, so a slow transaction's event is never skipped.
ALTER TABLE outbox_event ADD COLUMN txid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox_event ADD COLUMN document_no TEXT;
CREATE INDEX outbox_event_txid_idx ON outbox_event (txid, outbox_event_id);

CREATE TABLE webhook_subscription (
    webhook_subscription_id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    app_id BIGINT REFERENCES app (app_id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,           -- comma-separated event types
    active BIGINT NOT NULL DEFAULT 1,
    -- HMAC keys must be usable to sign, so they are stored as issued (never
    -- logged, never shown again); the previous one signs too until it expires.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_expires_at BIGINT,
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT webhook_subscription_public_key UNIQUE (public_id)
);
CREATE INDEX webhook_subscription_customer_idx ON webhook_subscription (customer_id);

CREATE TABLE webhook_delivery (
    webhook_delivery_id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL,
    webhook_subscription_id BIGINT NOT NULL REFERENCES webhook_subscription (webhook_subscription_id),
    outbox_event_id BIGINT NOT NULL REFERENCES outbox_event (outbox_event_id),
    customer_id BIGINT NOT NULL REFERENCES customer (customer_id),
    event_type TEXT NOT NULL,
    document_no TEXT,               -- deliveries of one document go in order
    status TEXT NOT NULL,           -- PENDING | DELIVERED | FAILED
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by TEXT,
    last_http_status BIGINT,
    delivered_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT webhook_delivery_public_key UNIQUE (public_id),
    CONSTRAINT webhook_delivery_event_key UNIQUE (webhook_subscription_id, outbox_event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_customer_idx ON webhook_delivery (customer_id, webhook_delivery_id);

CREATE TABLE webhook_attempt (
    webhook_delivery_id BIGINT NOT NULL REFERENCES webhook_delivery (webhook_delivery_id),
    attempt BIGINT NOT NULL,
    http_status BIGINT,
    latency_ms BIGINT NOT NULL,
    response_head TEXT,             -- first 1 KB of the answer
    error TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT webhook_attempt_pkey PRIMARY KEY (webhook_delivery_id, attempt)
);

-- How far the delivery worker has fanned events out: (txid, id).
CREATE TABLE webhook_cursor (
    name TEXT NOT NULL,
    txid BIGINT NOT NULL,
    outbox_event_id BIGINT NOT NULL,
    CONSTRAINT webhook_cursor_pkey PRIMARY KEY (name)
);
