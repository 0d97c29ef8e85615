-- App secrets sealed under the server key (AES-256-GCM, `v1:` + base64),
-- beside their argon2 hash: vendor dialects (JF, Qianyi, Winit) sign
-- requests with the raw secret. NULL: an app created before sealing (its
-- secret is unknown; a rotation seals the new one).
ALTER TABLE app ADD COLUMN secret_sealed TEXT;
