-- Every tenant table gets the same row-level security as organisations and api_keys in 0001; one
-- function says it once, so that a new table cannot get a subtly different policy.
CREATE FUNCTION enable_tenant_isolation(tenant_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (organisation_id = current_organisation_id()) '
                   'WITH CHECK (organisation_id = current_organisation_id())', tenant_table);
END
$$;

-- Migrations call it; the application has no business changing policies.
REVOKE EXECUTE ON FUNCTION enable_tenant_isolation(regclass) FROM PUBLIC, $app_role$;

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

SELECT enable_tenant_isolation('idempotency_keys');
