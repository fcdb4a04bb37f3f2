-- An authority without a complaint web form or e-mail address in the registry was ambiguous: none published, or none
-- looked for? Issue 12 point 13 asks for every contact detail with its source, so the absence gets one too: the page of
-- the authority (or the record citing it) that lists its complaint channels without a web form, or without an e-mail
-- address. Null when the registry has the channel itself, or has not settled that the authority publishes none.
ALTER TABLE dpas
    ADD COLUMN no_complaint_web_form_source text,
    ADD COLUMN no_complaint_email_source text,
    ADD CONSTRAINT dpas_complaint_web_form_or_none CHECK (complaint_web_form IS NULL OR no_complaint_web_form_source IS NULL),
    ADD CONSTRAINT dpas_complaint_email_or_none CHECK (complaint_email IS NULL OR no_complaint_email_source IS NULL),
    -- Like every other detail, the proof of an absence is one of the entry's sources.
    ADD CONSTRAINT dpas_no_complaint_web_form_source_cited CHECK (no_complaint_web_form_source = ANY (sources)),
    ADD CONSTRAINT dpas_no_complaint_email_source_cited CHECK (no_complaint_email_source = ANY (sources));

-- db/data/dpas.json also gained complaint web forms, e-mail addresses and phone numbers (see the entries' sources).
-- DbUp runs 0025 only once: this is its load statement with the two new columns.
INSERT INTO dpas (
    code, official_name, english_name, acronym, countries, regions, sectors, website, complaint_email,
    postal_address, phone, fax, complaint_web_form, complaint_languages, preferred_channel, pgp_fingerprint, sources,
    no_complaint_web_form_source, no_complaint_email_source)
SELECT
    d.code, d."officialName", d."englishName", d.acronym, d.countries, d.regions, d.sectors, d.website, d."complaintEmail",
    d."postalAddress", d.phone, d.fax, d."complaintWebForm", d."complaintLanguages", d."preferredChannel", d."pgpFingerprint", d.sources,
    d."noComplaintWebFormSource", d."noComplaintEmailSource"
FROM jsonb_to_recordset($dpa_registry$::jsonb) AS d (
    code text, "officialName" text, "englishName" text, acronym text, countries text[], regions text[], sectors text[],
    website text, "complaintEmail" text, "postalAddress" text, phone text, fax text, "complaintWebForm" text,
    "complaintLanguages" text[], "preferredChannel" text, "pgpFingerprint" text, sources text[],
    "noComplaintWebFormSource" text, "noComplaintEmailSource" text)
ON CONFLICT (code) DO UPDATE SET
    official_name = EXCLUDED.official_name,
    english_name = EXCLUDED.english_name,
    acronym = EXCLUDED.acronym,
    countries = EXCLUDED.countries,
    regions = EXCLUDED.regions,
    sectors = EXCLUDED.sectors,
    website = EXCLUDED.website,
    complaint_email = EXCLUDED.complaint_email,
    postal_address = EXCLUDED.postal_address,
    phone = EXCLUDED.phone,
    fax = EXCLUDED.fax,
    complaint_web_form = EXCLUDED.complaint_web_form,
    complaint_languages = EXCLUDED.complaint_languages,
    preferred_channel = EXCLUDED.preferred_channel,
    pgp_fingerprint = EXCLUDED.pgp_fingerprint,
    sources = EXCLUDED.sources,
    no_complaint_web_form_source = EXCLUDED.no_complaint_web_form_source,
    no_complaint_email_source = EXCLUDED.no_complaint_email_source;
