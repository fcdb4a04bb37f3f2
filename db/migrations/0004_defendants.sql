-- array_to_string is only STABLE (it formats any element type); for text it cannot vary, and a
-- generated search column needs an IMMUTABLE expression.
CREATE FUNCTION words_of(text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT array_to_string($1, ' ') $$;

-- Defendants are per organisation: whom an organisation pursues is confidential.
CREATE TABLE defendants (
    id                          uuid PRIMARY KEY,
    organisation_id             uuid NOT NULL REFERENCES organisations (id),
    legal_name                  text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 300),
    other_names                 text[] NOT NULL DEFAULT '{}',
    legal_form                  text,
    register_number             text,
    country                     text CHECK (country ~ '^[A-Z]{2}$'),
    address                     text,
    website                     text,
    dpo_contact                 text,
    parent_company              text,
    main_establishment_country  text CHECK (main_establishment_country ~ '^[A-Z]{2}$'),
    main_establishment_region   text CHECK (main_establishment_region ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$'),
    lead_dpa_id                 uuid REFERENCES dpas (id),
    lead_dpa_proposed           boolean NOT NULL DEFAULT false,
    version                     integer NOT NULL DEFAULT 1,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    search                      tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', legal_name || ' ' || words_of(other_names) || ' ' || coalesce(register_number, ''))
    ) STORED
);

CREATE INDEX defendants_by_name ON defendants (organisation_id, legal_name, id);
CREATE INDEX defendants_search ON defendants USING gin (search);

SELECT enable_tenant_isolation('defendants');

-- Lets other tables reference a defendant together with its organisation: a foreign-key check ignores
-- row-level security, so a plain reference to id alone would let one organisation name another's defendant.
ALTER TABLE defendants ADD CONSTRAINT defendants_organisation_id_id_key UNIQUE (organisation_id, id);
