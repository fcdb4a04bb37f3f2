-- Issue 15 point 3: replies from the organisation's IMAP mailbox, read by a recurring job.

-- The poller's work list, like jobs.webhook_dispatch: ids and times only, outside row-level security, so that one job
-- finds every organisation whose mailbox is due. Claimed with FOR UPDATE SKIP LOCKED and leased (next_poll_at moved past
-- the lease), so that one instance polls an organisation's mailbox at a time; a poller that dies leaves the lease to run out.
CREATE TABLE jobs.mailbox_watch (
    organisation_id  uuid PRIMARY KEY REFERENCES organisations (id),
    next_poll_at     timestamptz NOT NULL
);

CREATE INDEX mailbox_watch_due ON jobs.mailbox_watch (next_poll_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.mailbox_watch TO $app_role$;

-- Saving mail settings makes the mailbox due at once ('-infinity' is before any clock, the tests' fake one included):
-- a new mailbox, folder or interval is looked at in the next run rather than after the old interval.
CREATE FUNCTION jobs.watch_mailbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs.mailbox_watch (organisation_id, next_poll_at) VALUES (NEW.organisation_id, '-infinity')
    ON CONFLICT (organisation_id) DO UPDATE SET next_poll_at = '-infinity';
    RETURN NULL;
END
$$;
GRANT EXECUTE ON FUNCTION jobs.watch_mailbox() TO $app_role$;
-- Only the mailbox's own columns: a change to the sending side must not cut a running interval short.
CREATE TRIGGER mailbox_watched
    AFTER INSERT OR UPDATE OF imap_host, imap_port, imap_tls, imap_user, imap_password, imap_trusted_certificate, imap_folder, poll_interval_minutes
    ON organisation_mail_settings
    FOR EACH ROW EXECUTE FUNCTION jobs.watch_mailbox();

-- Mailboxes set before this migration: the owner reads past row-level security only while it is not forced.
ALTER TABLE organisation_mail_settings NO FORCE ROW LEVEL SECURITY;
INSERT INTO jobs.mailbox_watch (organisation_id, next_poll_at) SELECT organisation_id, '-infinity' FROM organisation_mail_settings;
ALTER TABLE organisation_mail_settings FORCE ROW LEVEL SECURITY;

-- Where the poller stopped in the organisation's mailbox: the folder (as host, user and folder), its UIDVALIDITY and the
-- last UID imported. Advanced in the transaction that imports that message, under this row's lock, so that a message is
-- imported exactly when the cursor moves past it. Another folder or UIDVALIDITY (RFC 9051 § 2.3.1.1: the UIDs mean
-- nothing any more) reads the folder again from its start; Message-IDs and SHA-256 keep that from importing anything twice.
CREATE TABLE mailbox_cursors (
    organisation_id  uuid PRIMARY KEY REFERENCES organisations (id),
    mailbox          text NOT NULL CHECK (length(mailbox) BETWEEN 1 AND 1000),
    uid_validity     bigint NOT NULL CHECK (uid_validity BETWEEN 0 AND 4294967295),
    last_uid         bigint NOT NULL CHECK (last_uid BETWEEN 0 AND 4294967295),
    updated_at       timestamptz NOT NULL
);

SELECT enable_tenant_isolation('mailbox_cursors');

-- Messages from the mailbox that belong to no case the poller could tell (issue 15 point 3): kept, with the message itself,
-- until someone assigns each to a case (it becomes an incoming letter) or dismisses it.
CREATE TABLE inbox_messages (
    id                  uuid PRIMARY KEY,
    organisation_id     uuid NOT NULL REFERENCES organisations (id),
    status              text NOT NULL CHECK (status IN ('new', 'assigned', 'dismissed')),
    -- Why the poller did not file it in a case.
    reason              text NOT NULL CHECK (reason IN ('unmatched', 'sender_unknown', 'refused')),
    detail              text NOT NULL CHECK (length(detail) BETWEEN 1 AND 2000),
    -- sender_unknown: the case the message was matched to, whose sender could not be told.
    suggested_case_id   uuid,
    message_id          text CHECK (length(message_id) BETWEEN 1 AND 998),
    subject             text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    from_address        text CHECK (length(from_address) BETWEEN 1 AND 998),
    received_at         timestamptz NOT NULL,
    uid_validity        bigint NOT NULL,
    uid                 bigint NOT NULL,
    size                bigint NOT NULL CHECK (size BETWEEN 1 AND 41943040),
    sha256              bytea NOT NULL CHECK (length(sha256) = 32),
    content             bytea NOT NULL,
    case_id             uuid,
    letter_id           uuid,
    dismissed_reason    text CHECK (length(dismissed_reason) BETWEEN 1 AND 2000),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, suggested_case_id) REFERENCES cases (organisation_id, id),
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id),
    CHECK ((status = 'assigned') = (letter_id IS NOT NULL AND case_id IS NOT NULL)),
    CHECK (status = 'dismissed' OR dismissed_reason IS NULL)
);

CREATE INDEX inbox_messages_by_status ON inbox_messages (organisation_id, status, id);
-- A message is in the inbox once, however often the folder is read again; without a Message-ID its bytes tell.
CREATE UNIQUE INDEX inbox_messages_by_message_id ON inbox_messages (organisation_id, message_id) WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX inbox_messages_by_sha256 ON inbox_messages (organisation_id, sha256);
SELECT enable_tenant_isolation('inbox_messages');
