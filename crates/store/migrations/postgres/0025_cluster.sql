-- Several nodes on one database (issue 20).
--
-- Rate-limit buckets shared by every node: one token bucket per app (a
-- minute's allowance, refilled continuously), taken from by one UPDATE per
-- request on the database's clock. UNLOGGED on PostgreSQL: a bucket is
-- worth less than a WAL write and a synchronous replica's round trip per
-- request; a crash or failover refills the buckets, which only forgives a
-- minute.
CREATE UNLOGGED TABLE rate_bucket (
    app_id BIGINT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    at_ms BIGINT NOT NULL,
    admitted BOOLEAN NOT NULL
);

-- Jobs that one node at a time must run (storage billing, alert sweeps,
-- cleanup): a lease with an expiry, taken and renewed by one statement.
-- A node that dies leaves a lease that expires; another then takes it.
CREATE TABLE job_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    last_finished_at BIGINT NOT NULL DEFAULT 0
);
