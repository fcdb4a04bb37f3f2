-- The registry of data protection authorities (GDPR Art. 51) that complaints go to. It is reference data
-- shared by every organisation: no organisation_id, no row-level security. Its rows come from
-- db/data/dpas.json, which the migrator passes in as the dpa_registry variable (a dollar-quoted literal).

CREATE TABLE dpas (
    -- Derived from the code, so that an authority has the same id in every database (tests, staging,
    -- production) and clients may keep ids across them.
    id                   uuid GENERATED ALWAYS AS (md5('dpa:' || code)::uuid) STORED PRIMARY KEY,
    code                 text NOT NULL UNIQUE CHECK (code ~ '^[a-z]{2}(-[a-z0-9]+)+$'),
    official_name        text NOT NULL,
    english_name         text NOT NULL,
    acronym              text,
    -- Empty for the EDPS, which supervises the EU institutions rather than a country.
    countries            text[] NOT NULL,
    -- ISO 3166-2 codes; empty for an authority competent for its whole country.
    regions              text[] NOT NULL,
    -- Where a region has one authority per sector (Bavaria); null when it covers both.
    sector               text CHECK (sector IN ('public', 'private')),
    website              text NOT NULL,
    complaint_email      text,
    postal_address       text NOT NULL,
    phone                text,
    fax                  text,
    complaint_web_form   text,
    complaint_languages  text[] NOT NULL,
    preferred_channel    text CHECK (preferred_channel IN ('web_form', 'email', 'post')),
    pgp_fingerprint      text,
    sources              text[] NOT NULL,
    -- 'simple' because the names are in two dozen languages and no stemmer fits them all. Slashes become spaces,
    -- or the parser reads "EDÖB/PFPDT/IFPDT" as one file path. The website's host words are in it too: they carry
    -- place names that the official names only inflect ("bayern" for "Bayerisches Landesamt").
    search               tsvector GENERATED ALWAYS AS (
        to_tsvector('simple',
            translate(code || ' ' || coalesce(acronym, '') || ' ' || official_name || ' ' || english_name, '/', ' ')
            || ' ' || regexp_replace(website, '^https?://(www\.)?|[./-]', ' ', 'g'))
    ) STORED
);

CREATE INDEX dpas_search_idx ON dpas USING gin (search);
CREATE INDEX dpas_countries_idx ON dpas USING gin (countries);
CREATE INDEX dpas_regions_idx ON dpas USING gin (regions);

-- The API only reads the registry; only migrations change it.
REVOKE INSERT, UPDATE, DELETE ON dpas FROM $app_role$;

-- An upsert, so that when db/data/dpas.json changes, a later migration re-runs this same statement to bring
-- the table up to date (DbUp runs each script once: editing the file alone changes no database). Rows the
-- file no longer lists stay; removing an authority that complaints may refer to needs a migration of its own.
INSERT INTO dpas (
    code, official_name, english_name, acronym, countries, regions, sector, website, complaint_email,
    postal_address, phone, fax, complaint_web_form, complaint_languages, preferred_channel, pgp_fingerprint, sources)
SELECT
    d.code, d."officialName", d."englishName", d.acronym, d.countries, d.regions, d.sector, d.website, d."complaintEmail",
    d."postalAddress", d.phone, d.fax, d."complaintWebForm", d."complaintLanguages", d."preferredChannel", d."pgpFingerprint", d.sources
FROM jsonb_to_recordset($dpa_registry$::jsonb) AS d (
    code text, "officialName" text, "englishName" text, acronym text, countries text[], regions text[], sector text,
    website text, "complaintEmail" text, "postalAddress" text, phone text, fax text, "complaintWebForm" text,
    "complaintLanguages" text[], "preferredChannel" text, "pgpFingerprint" text, sources text[])
ON CONFLICT (code) DO UPDATE SET
    official_name = EXCLUDED.official_name,
    english_name = EXCLUDED.english_name,
    acronym = EXCLUDED.acronym,
    countries = EXCLUDED.countries,
    regions = EXCLUDED.regions,
    sector = EXCLUDED.sector,
    website = EXCLUDED.website,
    complaint_email = EXCLUDED.complaint_email,
    postal_address = EXCLUDED.postal_address,
    phone = EXCLUDED.phone,
    fax = EXCLUDED.fax,
    complaint_web_form = EXCLUDED.complaint_web_form,
    complaint_languages = EXCLUDED.complaint_languages,
    preferred_channel = EXCLUDED.preferred_channel,
    pgp_fingerprint = EXCLUDED.pgp_fingerprint,
    sources = EXCLUDED.sources;
