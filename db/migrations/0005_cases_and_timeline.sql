CREATE TABLE cases (
    id                  uuid PRIMARY KEY,
    organisation_id     uuid NOT NULL REFERENCES organisations (id),
    reference           text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary             text,
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'on_hold', 'closed')),
    outcome             text,
    legal_bases         text[] NOT NULL DEFAULT '{}',
    tags                text[] NOT NULL DEFAULT '{}',
    responsible_lawyer  text,
    opened_on           date NOT NULL,
    closed_on           date,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    search              tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', reference || ' ' || title || ' ' || coalesce(summary, ''))
    ) STORED,
    CONSTRAINT cases_reference_unique UNIQUE (organisation_id, reference),
    CONSTRAINT cases_organisation_id_id_key UNIQUE (organisation_id, id),
    CONSTRAINT cases_closed_with_outcome CHECK ((status = 'closed') = (closed_on IS NOT NULL) AND (status <> 'closed' OR outcome IS NOT NULL))
);

-- Keyset pagination for each sort order the list offers, organisation first (STYLE: tenant leads every index).
CREATE INDEX cases_by_opened_on ON cases (organisation_id, opened_on, id);
CREATE INDEX cases_by_updated_at ON cases (organisation_id, updated_at, id);
CREATE INDEX cases_by_status ON cases (organisation_id, status, opened_on, id);
CREATE INDEX cases_search ON cases USING gin (search);
CREATE INDEX cases_tags ON cases USING gin (tags);

CREATE TABLE case_defendants (
    organisation_id  uuid NOT NULL,
    case_id          uuid NOT NULL,
    defendant_id     uuid NOT NULL,
    PRIMARY KEY (case_id, defendant_id),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organisation_id, defendant_id) REFERENCES defendants (organisation_id, id)
);

CREATE INDEX case_defendants_by_defendant ON case_defendants (organisation_id, defendant_id, case_id);

-- What happened in a case, in order. Append-only: the record of who did what is evidence, so the
-- database refuses to change or remove it, whoever asks.
CREATE TABLE timeline_entries (
    id               uuid PRIMARY KEY,
    -- Entries that happened at the same instant keep the order they were recorded in.
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    organisation_id  uuid NOT NULL,
    case_id          uuid NOT NULL,
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL,
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]+\.[a-z_]+$'),
    summary          text NOT NULL,
    resource_type    text NOT NULL,
    resource_id      uuid NOT NULL,
    details          jsonb NOT NULL DEFAULT '{}',
    api_key_id       uuid,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id)
);

CREATE INDEX timeline_entries_by_case ON timeline_entries (organisation_id, case_id, occurred_at, seq);

CREATE FUNCTION refuse_timeline_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the case timeline is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER timeline_entries_append_only
    BEFORE UPDATE OR DELETE ON timeline_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_timeline_change();
CREATE TRIGGER timeline_entries_no_truncate
    BEFORE TRUNCATE ON timeline_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_timeline_change();
REVOKE UPDATE, DELETE, TRUNCATE ON timeline_entries FROM $app_role$;

SELECT enable_tenant_isolation('cases');
SELECT enable_tenant_isolation('case_defendants');
SELECT enable_tenant_isolation('timeline_entries');
