-- Issue 13 point 6: the time limits of Regulation (EU) 2025/2518 Chapter III on the lead authority's investigation
-- (gdpr_proc.investigation, Art. 12; gdpr_proc.simple_cooperation, Art. 6(1), 12(6)), for complaints lodged after 2 April 2027 (Art. 36).
-- The list is 0026's with the two added: a migration of another slice that adds rules must keep these.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_rule_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46', 'vdug.settlement_opt_out_10',
    'gdpr_proc.admissibility', 'gdpr_proc.transmission', 'bgb.penalty_limitation_195',
    'gdpr_proc.investigation', 'gdpr_proc.simple_cooperation'));

-- Issue 13 point 2: an organisation's own urgency window for a preliminary injunction before a court (UWG § 12(1)), replacing the
-- catalogue's default (DeadlineRuleCatalogue.UrgencyPractices) for its cases; the API bounds the period (two weeks to three months).
CREATE TABLE organisation_urgency_windows (
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    court_code       text NOT NULL REFERENCES courts (code),
    period           text NOT NULL CHECK (period ~ '^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$' AND length(period) BETWEEN 3 AND 20),
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    version          integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, court_code)
);

SELECT enable_tenant_isolation('organisation_urgency_windows');
