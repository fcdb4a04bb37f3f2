-- Issue 13 points 1 and 2: every deadline names its rule from the catalogue served at GET /v1/deadline-rules
-- (src/CaseApi/Features/Deadlines/DeadlineRuleCatalogue.cs), and deadlines that a recorded event creates
-- (knowledge of an infringement, a judgment served, ...) are of kind 'procedural': a step the organisation must take itself.
ALTER TABLE deadlines ADD COLUMN rule text;

-- Existing rows by kind: a reply to our letter (BGB/Reg. 1182/71), a data subject's request (GDPR Art. 12(3)),
-- an authority's progress report (GDPR Art. 78(2)), an appeal by the date a court or national procedure set (GDPR Art. 78(1), (3)).
UPDATE deadlines SET rule = CASE kind
    WHEN 'response' THEN 'bgb.letter_response'
    WHEN 'data_subject_request' THEN 'gdpr.art12_3'
    WHEN 'dpa_progress' THEN 'gdpr.art78_2'
    WHEN 'appeal' THEN 'gdpr.art78_appeal'
END;

ALTER TABLE deadlines ALTER COLUMN rule SET NOT NULL;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46'));

ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('response', 'dpa_progress', 'data_subject_request', 'appeal', 'procedural'));

-- The court proceeding a chained deadline belongs to, when the event came from one (the proceedings slice, migration 0021,
-- may add its foreign key); chains end the deadlines of the same case and, where given, the same proceeding.
ALTER TABLE deadlines ADD COLUMN proceeding_id uuid;
CREATE INDEX deadlines_by_case_rule ON deadlines (organisation_id, case_id, rule) WHERE status IN ('open', 'missed', 'escalated');
