-- Issue 15 point 2: sending an e-mail letter through the organisation's SMTP server, as a background job.
-- An e-mail letter can name the address it goes to; without one, sending takes the defendant's e-mail address, or the
-- authority's published complaint address.
ALTER TABLE defendants ADD COLUMN email text CHECK (length(email) BETWEEN 3 AND 254);
ALTER TABLE letters ADD COLUMN recipient_address text CHECK (length(recipient_address) BETWEEN 3 AND 254);
-- Why the last delivery failed, for the lawyer: CaseApi's own words, never a password.
ALTER TABLE letters ADD COLUMN delivery_failure text CHECK (length(delivery_failure) BETWEEN 1 AND 1000);

-- 'sending' while the job delivers it; 'failed' when delivery gave up (it can be sent again). Only 'sent' has sent_at: the
-- moment the server accepted it, which is what starts the response deadline.
ALTER TABLE letters DROP CONSTRAINT letters_status_check;
ALTER TABLE letters ADD CONSTRAINT letters_status_check CHECK (status IN ('draft', 'sending', 'sent', 'failed', 'received'));
ALTER TABLE letters DROP CONSTRAINT letters_status_fits_direction;
ALTER TABLE letters ADD CONSTRAINT letters_status_fits_direction CHECK (
    (direction = 'outgoing' AND status IN ('draft', 'sending', 'sent', 'failed') AND (status = 'sent') = (sent_at IS NOT NULL)
        AND received_at IS NULL AND (status = 'failed') = (delivery_failure IS NOT NULL))
    OR (direction = 'incoming' AND status = 'received' AND received_at IS NOT NULL AND sent_at IS NULL AND delivery_failure IS NULL));

-- A delivery CaseApi makes: what /send asked for, kept until the server's acceptance opens the deadline, and the state of the
-- attempts. attempt_started_at is committed before each SMTP conversation and cleared once its outcome is known, so that a
-- process killed in between leaves the evidence that an attempt of unknown outcome exists (see DispatchLetters).
CREATE TABLE letter_deliveries (
    organisation_id     uuid NOT NULL,
    letter_id           uuid NOT NULL,
    message_id          text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 998),
    recipient_address   text NOT NULL CHECK (length(recipient_address) BETWEEN 3 AND 254),
    attach_document     boolean NOT NULL,
    response_due        date,
    response_period     text CHECK (length(response_period) BETWEEN 3 AND 20),
    roll_over           boolean,
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    attempt_started_at  timestamptz,
    witness_checks      integer NOT NULL DEFAULT 0 CHECK (witness_checks >= 0),
    last_error          text CHECK (length(last_error) BETWEEN 1 AND 1000),
    requested_at        timestamptz NOT NULL,
    accepted_at         timestamptz,
    PRIMARY KEY (organisation_id, letter_id),
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id)
);

SELECT enable_tenant_isolation('letter_deliveries');

-- The mail dispatcher's work list, like jobs.webhook_dispatch: ids and times only, outside row-level security, so that one
-- claim finds every organisation's due deliveries.
CREATE TABLE jobs.letter_dispatch (
    letter_id        uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    next_attempt_at  timestamptz NOT NULL
);

CREATE INDEX letter_dispatch_due ON jobs.letter_dispatch (next_attempt_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.letter_dispatch TO $app_role$;

-- A delivery that failed for good is the lawyer's alarm, as a deadline due at once (rule caseapi.letter_delivery, the
-- organisation's own rule, no statute). The list is 0028's with it added: a migration of another slice that adds rules must keep it.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_rule_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46', 'vdug.settlement_opt_out_10',
    'gdpr_proc.admissibility', 'gdpr_proc.transmission', 'bgb.penalty_limitation_195',
    'gdpr_proc.investigation', 'gdpr_proc.simple_cooperation', 'caseapi.letter_delivery'));
-- One running alarm per letter: a letter that fails again after a re-send keeps the alarm it has.
CREATE UNIQUE INDEX deadlines_one_delivery_alarm_per_letter ON deadlines (letter_id)
    WHERE rule = 'caseapi.letter_delivery' AND status IN ('open', 'missed', 'escalated');
