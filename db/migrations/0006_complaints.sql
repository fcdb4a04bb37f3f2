CREATE TABLE complaints (
    id                     uuid PRIMARY KEY,
    organisation_id        uuid NOT NULL,
    case_id                uuid NOT NULL,
    defendant_id           uuid NOT NULL,
    dpa_id                 uuid NOT NULL REFERENCES dpas (id),
    -- GDPR Art. 80(1): on behalf of data subjects; Art. 80(2): in the organisation's own name.
    on_behalf_of           text NOT NULL CHECK (on_behalf_of IN ('complainants', 'organisation')),
    dpa_reference          text,
    filed_on               date,
    provisions             text[] NOT NULL DEFAULT '{}',
    status                 text NOT NULL CHECK (status IN ('draft', 'filed', 'acknowledged', 'under_investigation', 'transferred',
                                                          'decided', 'appealed', 'withdrawn', 'closed')),
    transferred_to_dpa_id  uuid REFERENCES dpas (id),
    decision_outcome       text CHECK (decision_outcome IN ('upheld', 'partially_upheld', 'rejected', 'dismissed', 'settled')),
    decided_on             date,
    fine_amount            numeric(18, 2) CHECK (fine_amount >= 0),
    fine_currency          text CHECK (fine_currency ~ '^[A-Z]{3}$'),
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    CONSTRAINT complaints_organisation_id_id_key UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id),
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id),
    CONSTRAINT complaints_filed_on_when_filed CHECK (status IN ('draft', 'withdrawn') OR filed_on IS NOT NULL),
    CONSTRAINT complaints_transfer_names_authority CHECK (status <> 'transferred' OR transferred_to_dpa_id IS NOT NULL),
    CONSTRAINT complaints_decision_has_outcome CHECK (status NOT IN ('decided', 'appealed') OR decision_outcome IS NOT NULL),
    CONSTRAINT complaints_fine_has_currency CHECK ((fine_amount IS NULL) = (fine_currency IS NULL))
);

CREATE INDEX complaints_by_case ON complaints (organisation_id, case_id, id);
CREATE INDEX complaints_by_status ON complaints (organisation_id, status, id);
CREATE INDEX complaints_by_dpa ON complaints (organisation_id, dpa_id, id);
CREATE INDEX complaints_by_defendant ON complaints (organisation_id, defendant_id, id);
CREATE INDEX complaints_by_id ON complaints (organisation_id, id);

-- Complainants' personal data lives apart from the case data: only lawyers and admins read it, and
-- erasure (GDPR Art. 17) pseudonymises these rows while the complaint and its history stay intact.
CREATE TABLE complainants (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    complaint_id     uuid NOT NULL,
    name             text NOT NULL,
    email            text,
    postal_address   text,
    phone            text,
    erased_at        timestamptz,
    created_at       timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, complaint_id) REFERENCES complaints (organisation_id, id),
    CONSTRAINT complainants_erased_leave_no_contact CHECK (erased_at IS NULL OR (email IS NULL AND postal_address IS NULL AND phone IS NULL))
);

CREATE INDEX complainants_by_complaint ON complainants (organisation_id, complaint_id);

SELECT enable_tenant_isolation('complaints');
SELECT enable_tenant_isolation('complainants');
