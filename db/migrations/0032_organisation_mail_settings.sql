-- Issue 15: the organisation's mailbox, SMTP for sending and IMAP for the folder replies arrive in. One row per
-- organisation, replaced as a whole by PUT /v1/organisation/mail. The passwords are stored encrypted by the
-- application's SecretProtector (the "dp1:" marker): unlike webhook secrets, no plain value ever existed here, so the
-- CHECK refuses one outright.
CREATE TABLE organisation_mail_settings (
    organisation_id             uuid PRIMARY KEY REFERENCES organisations (id),
    from_address                text NOT NULL CHECK (length(from_address) BETWEEN 3 AND 254),
    from_name                   text CHECK (length(from_name) BETWEEN 1 AND 200),
    reply_address_pattern       text NOT NULL CHECK (length(reply_address_pattern) BETWEEN 10 AND 254
                                                     AND reply_address_pattern LIKE '%{token}%@%'),
    smtp_host                   text NOT NULL CHECK (length(smtp_host) BETWEEN 1 AND 253),
    smtp_port                   integer NOT NULL CHECK (smtp_port BETWEEN 1 AND 65535),
    smtp_tls                    text NOT NULL CHECK (smtp_tls IN ('none', 'starttls', 'tls')),
    smtp_user                   text CHECK (length(smtp_user) BETWEEN 1 AND 320),
    smtp_password               text CHECK (smtp_password LIKE 'dp1:%'),
    smtp_trusted_certificate    text CHECK (smtp_trusted_certificate ~ '^[0-9A-F]{2}(:[0-9A-F]{2}){31}$'),
    imap_host                   text NOT NULL CHECK (length(imap_host) BETWEEN 1 AND 253),
    imap_port                   integer NOT NULL CHECK (imap_port BETWEEN 1 AND 65535),
    imap_tls                    text NOT NULL CHECK (imap_tls IN ('none', 'starttls', 'tls')),
    imap_user                   text NOT NULL CHECK (length(imap_user) BETWEEN 1 AND 320),
    imap_password               text NOT NULL CHECK (imap_password LIKE 'dp1:%'),
    imap_trusted_certificate    text CHECK (imap_trusted_certificate ~ '^[0-9A-F]{2}(:[0-9A-F]{2}){31}$'),
    imap_folder                 text NOT NULL CHECK (length(imap_folder) BETWEEN 1 AND 200),
    poll_interval_minutes       integer NOT NULL CHECK (poll_interval_minutes BETWEEN 1 AND 60),
    version                     integer NOT NULL DEFAULT 1,
    updated_at                  timestamptz NOT NULL,
    -- SMTP without a user sends without AUTH (a relay that trusts the network); a user always comes with a password.
    CHECK ((smtp_user IS NULL) = (smtp_password IS NULL))
);

SELECT enable_tenant_isolation('organisation_mail_settings');
