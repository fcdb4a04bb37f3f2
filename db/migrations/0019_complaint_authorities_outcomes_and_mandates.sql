-- Issue 12 (points 7, 8, 10, 11, 12): a complaint as a court would see it.

-- GDPR Art. 60(7)-(9), 77(2), 78(3): after a transfer the authority with which the complaint was lodged (dpa_id) stays
-- the complainant's contact and itself adopts a dismissal or rejection; the lead authority (transferred_to_dpa_id)
-- adopts a decision against the controller. Remedies lie against the authority that decided, before its courts.
-- Art. 78(1): an appeal names who brought it and before which court; its time limit is a deadline of kind 'appeal'.
-- Art. 80(1): a complaint under a mandate names the mandate document; under Art. 80(2) (own name) there is none.
ALTER TABLE complaints
    ADD COLUMN decided_by_dpa_id    uuid REFERENCES dpas (id),
    ADD COLUMN appealed_by          text CHECK (appealed_by IN ('complainants', 'organisation', 'controller')),
    ADD COLUMN appeal_court         text CHECK (length(appeal_court) BETWEEN 1 AND 300),
    ADD COLUMN mandate_document     text CHECK (length(mandate_document) BETWEEN 1 AND 500),
    ADD COLUMN mandate_signed_on    date;

-- Rows of every organisation are brought up to date: the owner lifts its own row-level security for this script only.
ALTER TABLE complaints NO FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines NO FORCE ROW LEVEL SECURITY;

-- Decisions recorded before this migration: Art. 60(8) makes the authority lodged with adopt a dismissal or
-- rejection; any other outcome after a transfer is the lead authority's (Art. 60(7)).
UPDATE complaints SET decided_by_dpa_id = CASE
        WHEN decision_outcome IN ('rejected', 'dismissed') OR transferred_to_dpa_id IS NULL THEN dpa_id
        ELSE transferred_to_dpa_id END
WHERE decision_outcome IS NOT NULL;

-- Art. 78(2) periods still running for complaints no longer pending (issue 12 point 7): a decision met them; a
-- withdrawal or closing ended them. Left open, the sweep would draft a false reminder claiming silence.
UPDATE deadlines d SET status = 'met', met_at = greatest(d.created_at, c.updated_at), version = d.version + 1, updated_at = now()
FROM complaints c
WHERE d.kind = 'dpa_progress' AND d.status IN ('open', 'missed', 'escalated') AND c.id = d.complaint_id
  AND c.status IN ('decided', 'appealed');
UPDATE deadlines d SET status = 'waived', version = d.version + 1, updated_at = now(),
    waived_reason = 'The complaint was ' || c.status || ' before this period ran out: GDPR Art. 78(2) runs only while the complaint is pending.'
FROM complaints c
WHERE d.kind = 'dpa_progress' AND d.status = 'open' AND c.id = d.complaint_id AND c.status IN ('withdrawn', 'closed');

ALTER TABLE complaints FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines FORCE ROW LEVEL SECURITY;

ALTER TABLE complaints
    ADD CONSTRAINT complaints_decision_names_authority CHECK (decision_outcome IS NULL OR decided_by_dpa_id IS NOT NULL),
    -- Art. 58(2)(i), 83: a fine goes with a finding of infringement, never with a complaint rejected or dismissed.
    -- NOT VALID: rows recorded before are left for a lawyer to correct; every new write is checked.
    ADD CONSTRAINT complaints_no_fine_without_infringement CHECK (decision_outcome NOT IN ('rejected', 'dismissed') OR fine_amount IS NULL) NOT VALID,
    ADD CONSTRAINT complaints_appeal_named CHECK (status <> 'appealed' OR (appealed_by IS NOT NULL AND appeal_court IS NOT NULL)) NOT VALID,
    ADD CONSTRAINT complaints_mandate_only_when_mandated CHECK (on_behalf_of = 'complainants' OR (mandate_document IS NULL AND mandate_signed_on IS NULL));

ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('response', 'dpa_progress', 'data_subject_request', 'appeal'));

-- The language a defendant reads (ISO 639-1): its reminders are drafted in it (issue 12 point 8).
ALTER TABLE defendants ADD COLUMN language text CHECK (language ~ '^[a-z]{2}$');
