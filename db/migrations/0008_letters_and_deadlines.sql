CREATE TABLE letters (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    case_id          uuid NOT NULL,
    complaint_id     uuid,
    direction        text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    type             text NOT NULL CHECK (type IN ('cease_and_desist', 'complaint_submission', 'request_for_information', 'data_subject_request',
                                                   'reminder', 'reply', 'acknowledgement', 'decision', 'other')),
    -- The other side: a defendant of the organisation or an authority from the registry.
    defendant_id     uuid,
    dpa_id           uuid REFERENCES dpas (id),
    channel          text NOT NULL CHECK (channel IN ('email', 'post', 'registered_post', 'fax', 'courier', 'portal')),
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    body             text,
    in_reply_to_id   uuid,
    status           text NOT NULL CHECK (status IN ('draft', 'sent', 'received')),
    sent_at          timestamptz,
    received_at      timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT letters_organisation_id_id_key UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id),
    FOREIGN KEY (organisation_id, complaint_id) REFERENCES complaints (organisation_id, id),
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id),
    FOREIGN KEY (organisation_id, in_reply_to_id) REFERENCES letters (organisation_id, id),
    CONSTRAINT letters_one_counterparty CHECK ((defendant_id IS NULL) <> (dpa_id IS NULL)),
    CONSTRAINT letters_status_fits_direction CHECK (
        (direction = 'outgoing' AND status IN ('draft', 'sent') AND (status = 'sent') = (sent_at IS NOT NULL) AND received_at IS NULL)
        OR (direction = 'incoming' AND status = 'received' AND received_at IS NOT NULL AND sent_at IS NULL))
);

CREATE INDEX letters_by_case ON letters (organisation_id, case_id, id);
CREATE INDEX letters_by_reply ON letters (organisation_id, in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX letters_by_complaint ON letters (organisation_id, complaint_id) WHERE complaint_id IS NOT NULL;

CREATE TABLE letter_attachments (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    letter_id        uuid NOT NULL,
    file_name        text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type     text NOT NULL,
    size             bigint NOT NULL CHECK (size BETWEEN 1 AND 26214400),
    sha256           bytea NOT NULL CHECK (length(sha256) = 32),
    content          bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id)
);

CREATE INDEX letter_attachments_by_letter ON letter_attachments (organisation_id, letter_id);

CREATE TABLE deadlines (
    id                  uuid PRIMARY KEY,
    organisation_id     uuid NOT NULL,
    case_id             uuid NOT NULL,
    -- What the deadline is for: the reply to a letter we sent, or a statutory period (GDPR Art. 78(2), 12(3)).
    kind                text NOT NULL CHECK (kind IN ('response', 'dpa_progress', 'data_subject_request')),
    letter_id           uuid,
    complaint_id        uuid,
    defendant_id        uuid,
    dpa_id              uuid REFERENCES dpas (id),
    starts_on           date NOT NULL,
    period              text,
    due_date            date NOT NULL,
    due_at              timestamptz NOT NULL,
    computation         text NOT NULL,
    status              text NOT NULL CHECK (status IN ('open', 'met', 'missed', 'escalated', 'waived')),
    met_at              timestamptz,
    met_by_letter_id    uuid,
    waived_reason       text,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT deadlines_organisation_id_id_key UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id),
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id),
    FOREIGN KEY (organisation_id, complaint_id) REFERENCES complaints (organisation_id, id),
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id),
    FOREIGN KEY (organisation_id, met_by_letter_id) REFERENCES letters (organisation_id, id),
    CONSTRAINT deadlines_met_has_time CHECK ((status = 'met') = (met_at IS NOT NULL)),
    CONSTRAINT deadlines_waived_has_reason CHECK ((status = 'waived') = (waived_reason IS NOT NULL))
);

-- One response deadline per letter: sending twice cannot create two.
CREATE UNIQUE INDEX deadlines_one_response_per_letter ON deadlines (letter_id) WHERE kind IN ('response', 'data_subject_request');
CREATE INDEX deadlines_by_status_due ON deadlines (organisation_id, status, due_at, id);
CREATE INDEX deadlines_by_case ON deadlines (organisation_id, case_id, due_at, id);
CREATE INDEX deadlines_by_due ON deadlines (organisation_id, due_at, id);
CREATE INDEX deadlines_by_complaint ON deadlines (organisation_id, complaint_id) WHERE complaint_id IS NOT NULL;

-- Calendar clients cannot send headers: a feed is read with a token in its URL. Tokens are separate from
-- API keys, read-only, revocable, and stored only as hashes.
CREATE TABLE calendar_feeds (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix           text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{12}$'),
    secret_hash      bytea NOT NULL CHECK (length(secret_hash) = 32),
    created_at       timestamptz NOT NULL,
    revoked_at       timestamptz
);

SELECT enable_tenant_isolation('letters');
SELECT enable_tenant_isolation('letter_attachments');
SELECT enable_tenant_isolation('deadlines');
SELECT enable_tenant_isolation('calendar_feeds');
-- Like API keys, a feed token is looked up before its organisation is known: by its prefix only.
CREATE POLICY authenticate_by_prefix ON calendar_feeds FOR SELECT
    USING (prefix = current_setting('caseapi.feed_token_prefix', true));
