-- Issue 13 point 4: what a reply to a cease-and-desist letter is, a deadline ended by a refusal, the warning that the
-- urgency window closes before the escalation chain, and the defendant's signed declaration as an obligation whose
-- breach starts the contractual-penalty claim.

-- The reply's classification as the API received it (kind, penalty, acceptedAsAdequate, requestedUntil); null for
-- letters that are no reply to a cease-and-desist letter, or were recorded without one.
ALTER TABLE letters ADD COLUMN cease_and_desist_reply jsonb;

-- 'refused': the defendant answered, but with a refusal or a declaration the organisation does not accept. The sweep
-- leaves it alone (the watch trigger of 0009 drops every status but 'open'); the escalation is proposed at once.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_status_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_status_check CHECK (status IN ('open', 'met', 'missed', 'escalated', 'waived', 'refused'));

ALTER TABLE deadlines DROP CONSTRAINT deadlines_rule_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46', 'bgb.penalty_limitation_195'));

-- Steps recorded once per deadline: the urgency-window warning joins the sweep's steps.
ALTER TABLE deadline_escalations DROP CONSTRAINT deadline_escalations_step_check;
ALTER TABLE deadline_escalations ADD CONSTRAINT deadline_escalations_step_check
    CHECK (step IN ('due_soon', 'missed', 'reminder_drafted', 'case_escalated', 'urgency_window_at_risk'));

CREATE TABLE defendant_obligations (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    case_id          uuid NOT NULL,
    defendant_id     uuid NOT NULL,
    -- The declaration: the incoming letter that carried it.
    letter_id        uuid NOT NULL,
    penalty_kind     text NOT NULL CHECK (penalty_kind IN ('fixed', 'hamburger_brauch')),
    penalty_amount   numeric(12, 2) CHECK (penalty_amount > 0),
    penalty_currency text CHECK (penalty_currency ~ '^[A-Z]{3}$'),
    signed_on        date NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT defendant_obligations_organisation_id_id_key UNIQUE (organisation_id, id),
    CONSTRAINT defendant_obligations_one_per_letter UNIQUE (organisation_id, letter_id),
    -- A fixed penalty names its amount; under "Hamburger Brauch" the creditor fixes it after a breach (BGB § 315(1)), a cap is optional.
    CONSTRAINT defendant_obligations_fixed_has_amount CHECK (penalty_kind <> 'fixed' OR penalty_amount IS NOT NULL),
    CONSTRAINT defendant_obligations_amount_has_currency CHECK ((penalty_amount IS NULL) = (penalty_currency IS NULL)),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id),
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id),
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id)
);

CREATE INDEX defendant_obligations_by_case ON defendant_obligations (organisation_id, case_id, id);

CREATE TABLE obligation_breaches (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    obligation_id    uuid NOT NULL,
    occurred_on      date NOT NULL,
    known_on         date NOT NULL CHECK (known_on >= occurred_on),
    description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    -- The limitation of the penalty claim it started (BGB §§ 195, 199(1)).
    deadline_id      uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, obligation_id) REFERENCES defendant_obligations (organisation_id, id),
    FOREIGN KEY (organisation_id, deadline_id) REFERENCES deadlines (organisation_id, id)
);

CREATE INDEX obligation_breaches_by_obligation ON obligation_breaches (organisation_id, obligation_id, id);

SELECT enable_tenant_isolation('defendant_obligations');
SELECT enable_tenant_isolation('obligation_breaches');
