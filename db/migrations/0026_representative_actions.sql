-- Issue 13 point 5: representative actions (Verbandsklagen: Abhilfeklage, Musterfeststellungsklage) under the VDuG.

-- The representative side of a redress or model declaratory action: who brings it (VDuG § 2(1)), when it was published
-- in the Verbandsklageregister (§ 44) and where its implementation stands (§§ 16, 9, 22 ff.). One row per proceeding,
-- written on the first PUT.
CREATE TABLE representative_actions (
    proceeding_id         uuid PRIMARY KEY,
    organisation_id       uuid NOT NULL,
    qualified_entity_name text CHECK (length(qualified_entity_name) BETWEEN 1 AND 300),
    -- VDuG § 2(1) no. 1: the Federal Office of Justice's list under UKlaG § 4; no. 2: the Commission's list under
    -- Directive (EU) 2020/1828 Art. 5(1) sentence 4.
    qualified_entity_list text CHECK (qualified_entity_list IN ('uklag', 'eu_directive')),
    register_entry_on     date,
    implementation_stage  text NOT NULL DEFAULT 'none'
                          CHECK (implementation_stage IN ('none', 'judgment_on_merits', 'settlement', 'implementation', 'closed')),
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id),
    CONSTRAINT representative_actions_entity_named_with_list CHECK ((qualified_entity_name IS NULL) = (qualified_entity_list IS NULL))
);

-- Counts of consumers registered, as the Federal Office of Justice's register states them (VDuG §§ 43, 46): numbers only,
-- never who registered.
CREATE TABLE representative_registrations (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    proceeding_id    uuid NOT NULL,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    counted_on       date NOT NULL,
    registered       integer NOT NULL CHECK (registered >= 0),
    source           text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
    recorded_at      timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id)
);

CREATE INDEX representative_registrations_by_proceeding ON representative_registrations (organisation_id, proceeding_id, seq);
CREATE INDEX representative_registrations_latest ON representative_registrations (organisation_id, proceeding_id, counted_on DESC, seq DESC);

-- The catalogue's new rule: registered consumers' exit from a court settlement (VDuG § 10(1)).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_rule_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46', 'vdug.settlement_opt_out_10',
    'gdpr_proc.admissibility', 'gdpr_proc.transmission', 'bgb.penalty_limitation_195'));

-- Court settlements (VDuG § 9) and the opt-out deadline each opens (§ 10(1)).
CREATE TABLE representative_settlements (
    id                 uuid PRIMARY KEY,
    organisation_id    uuid NOT NULL,
    proceeding_id      uuid NOT NULL,
    seq                bigint GENERATED ALWAYS AS IDENTITY,
    approved_on        date NOT NULL,
    served_on          date,
    published_on       date NOT NULL,
    summary            text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    opt_out_deadline_id uuid NOT NULL,
    recorded_at        timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id),
    FOREIGN KEY (organisation_id, opt_out_deadline_id) REFERENCES deadlines (organisation_id, id),
    CONSTRAINT representative_settlements_published_after_approval CHECK (published_on >= approved_on)
);

CREATE INDEX representative_settlements_by_proceeding ON representative_settlements (organisation_id, proceeding_id, seq);

-- Consumers the organisation advises in a representative action: personal data, kept apart like complainants, shown only
-- to lawyer and admin keys, erasable (GDPR Art. 17) by pseudonymisation.
CREATE TABLE represented_consumers (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    proceeding_id    uuid NOT NULL,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    email            text CHECK (length(email) BETWEEN 3 AND 320),
    postal_address   text CHECK (length(postal_address) BETWEEN 1 AND 1000),
    registered_on    date,
    erased_at        timestamptz,
    created_at       timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, proceeding_id) REFERENCES proceedings (organisation_id, id),
    CONSTRAINT represented_consumers_erased_leave_no_contact CHECK (erased_at IS NULL OR (email IS NULL AND postal_address IS NULL))
);

CREATE INDEX represented_consumers_by_proceeding ON represented_consumers (organisation_id, proceeding_id, seq);

SELECT enable_tenant_isolation('representative_actions');
SELECT enable_tenant_isolation('representative_registrations');
SELECT enable_tenant_isolation('representative_settlements');
SELECT enable_tenant_isolation('represented_consumers');
