-- Per-app request policy: rate limit, IP allowlist.
ALTER TABLE app ADD COLUMN rate_limit_per_minute BIGINT NOT NULL DEFAULT 1000;
ALTER TABLE app ADD COLUMN ip_allowlist TEXT;   -- comma-separated addresses; NULL: any
