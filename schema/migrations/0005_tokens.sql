-- Bearer tokens (contract, Auth): created by `kvotad token create`, shown once, stored only as the
-- SHA-256 of the secret. A name is never reused, so that an event's meta.actor names one token
-- for ever; revoked tokens stay listed with the time of revocation.
CREATE TABLE api_tokens (
    name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    role        text NOT NULL CHECK (role IN ('region', 'ministry', 'auditor')),
    region      text CHECK ((role = 'region') = (region IS NOT NULL)),
    secret_hash bytea NOT NULL UNIQUE CHECK (octet_length(secret_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Secrets of the deployment shared by every kvotad process of it (the worker pseudonym key):
-- written once by the first process that needs one, never changed.
CREATE TABLE deployment_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER deployment_secrets_immutable BEFORE UPDATE OR DELETE ON deployment_secrets
    FOR EACH ROW EXECUTE FUNCTION kvota_refuse_change();
