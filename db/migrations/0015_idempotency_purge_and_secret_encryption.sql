-- Issue 11, point 5: idempotency keys no longer keep personal data beyond their 24 hours, erasure, or their caller.

-- The API key that made the request: a response is replayed to that key only, never to another key of the
-- organisation whose role may not read it (an integration key does not see complainants). Keys made before this
-- migration have none and are not replayed to anybody; they expire within a day.
ALTER TABLE idempotency_keys ADD COLUMN api_key_id uuid;

-- Set when an erasure (GDPR Art. 17) removed a stored response that held the erased person's data: a replay then
-- answers 409 instead of the response.
ALTER TABLE idempotency_keys ADD COLUMN response_erased boolean NOT NULL DEFAULT false;

-- The recurring purge deletes expired keys of every organisation, which row-level security would hide from it. This
-- policy admits, for DELETE only, the keys created before the instant the purge sets in its own transaction; it gives
-- no read access, so the purge's DELETE has no WHERE clause (one would need SELECT rights) and the policies alone
-- choose the rows.
CREATE POLICY purge_expired ON idempotency_keys FOR DELETE
    USING (created_at < nullif(current_setting('caseapi.idempotency_expired_before', true), '')::timestamptz);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Issue 11, point 9: ASP.NET Core Data Protection's key ring, shared by every CaseApi process of the database (a key
-- on one machine's disk would leave the others unable to read what it encrypted). Keys are added, never changed:
-- Data Protection revokes a key by adding a revocation element.
CREATE TABLE data_protection_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    xml         text NOT NULL
);

REVOKE UPDATE, DELETE, TRUNCATE ON data_protection_keys FROM $app_role$;

-- Webhook secrets are encrypted from now on (Data Protection, value prefixed with its marker). The ones stored in plain
-- text so far are listed here, ids only, for the application to encrypt at its next start: SQL cannot. Row-level security
-- would hide other organisations' webhooks from this migration too; the owner lifts FORCE for the one statement, inside
-- this migration's transaction, so no other session ever sees the table without it.
CREATE TABLE jobs.plaintext_webhook_secrets (
    webhook_id       uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL
);

GRANT SELECT, DELETE ON jobs.plaintext_webhook_secrets TO $app_role$;

ALTER TABLE webhooks NO FORCE ROW LEVEL SECURITY;
INSERT INTO jobs.plaintext_webhook_secrets (webhook_id, organisation_id)
SELECT id, organisation_id FROM webhooks WHERE secret NOT LIKE 'dp1:%';
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;

COMMENT ON COLUMN webhooks.secret IS 'The signing secret, encrypted with Data Protection (dp1:…); see Infrastructure/Secrets/SecretProtector.';
