-- Issue 15 point 3: how the organisation's mailbox poll is doing, for its admins, and the count of failed imports that lets a
-- message which cannot be imported be set aside rather than stop the mailbox for good. One row per organisation, written by
-- the poller in transactions of its own (a failed import's transaction is gone by then).
CREATE TABLE mailbox_poll_status (
    organisation_id      uuid PRIMARY KEY REFERENCES organisations (id),
    last_polled_at       timestamptz,
    -- The last poll that failed (null after one that did not): the stage it stopped at (as MailStage, or 'import') and why.
    last_error_stage     text CHECK (last_error_stage IN ('dns', 'connect', 'tls', 'protocol', 'auth', 'folder', 'import')),
    last_error_detail    text CHECK (length(last_error_detail) BETWEEN 1 AND 2000),
    last_error_at        timestamptz,
    -- The message whose import failed last (mailbox identity, UIDVALIDITY, UID) and how many polls in a row failed on it.
    failing_message      text CHECK (length(failing_message) BETWEEN 1 AND 1100),
    failures             integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    -- Messages set aside in the inbox because they could not be imported.
    set_aside            integer NOT NULL DEFAULT 0 CHECK (set_aside >= 0),
    CHECK ((last_error_stage IS NULL) = (last_error_detail IS NULL) AND (last_error_stage IS NULL) = (last_error_at IS NULL)),
    CHECK ((failing_message IS NULL) = (failures = 0))
);

SELECT enable_tenant_isolation('mailbox_poll_status');
