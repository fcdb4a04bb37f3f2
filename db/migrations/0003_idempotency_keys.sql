-- Idempotency-Key on POST: a retried request replays the first response instead of acting twice.
-- The row is written in the same transaction as the command's own changes, so a key is recorded
-- exactly when its effect is; a failed command leaves no key behind and can be retried.
CREATE TABLE idempotency_keys (
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_type     text NOT NULL,
    request_hash     bytea NOT NULL,
    -- NULL for responses that must not be stored, such as a new API key's secret.
    response         jsonb,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, key)
);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (organisation_id = current_organisation_id())
    WITH CHECK (organisation_id = current_organisation_id());
