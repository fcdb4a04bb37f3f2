-- Tenancy: every tenant-owned table carries organisation_id, and row-level security admits only the rows
-- of the organisation set in the current transaction (set_config('caseapi.organisation_id', …, true)).
-- FORCE applies the policies to the table owner too, so only a superuser or a BYPASSRLS role sees across
-- organisations; the application role is neither.

CREATE FUNCTION current_organisation_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('caseapi.organisation_id', true), '')::uuid $$;

CREATE TABLE organisations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL
);

ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organisations
    USING (id = current_organisation_id())
    WITH CHECK (id = current_organisation_id());

CREATE TABLE api_keys (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix           text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
    secret_hash      bytea NOT NULL CHECK (length(secret_hash) = 32),
    role             text NOT NULL CHECK (role IN ('admin', 'lawyer', 'viewer', 'integration')),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz,
    revoked_at       timestamptz
);

CREATE INDEX api_keys_organisation_id_idx ON api_keys (organisation_id, id);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (organisation_id = current_organisation_id())
    WITH CHECK (organisation_id = current_organisation_id());
-- Authentication happens before the organisation is known: a transaction that names a key's prefix
-- may read that one key, and nothing else.
CREATE POLICY authenticate_by_prefix ON api_keys FOR SELECT
    USING (prefix = current_setting('caseapi.api_key_prefix', true));

-- The application role reads and writes rows; it owns nothing, so it cannot alter or drop the schema.
GRANT USAGE ON SCHEMA public TO $app_role$;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $app_role$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO $app_role$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $app_role$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $app_role$;
