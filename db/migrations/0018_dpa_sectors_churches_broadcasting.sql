-- The registry learns the authorities that supervise one kind of body in place of the general one: the churches'
-- own (GDPR Art. 91), the broadcasting data protection officers (Art. 85), the BfDI for telecommunications and
-- postal services, the EDPS for the EU institutions. One sector per row no longer fits (the BfDI has two), so
-- sector becomes sectors; empty means the authority's public and private bodies in general, as null did.

ALTER TABLE dpas ADD COLUMN sectors text[] NOT NULL DEFAULT '{}'
    CHECK (sectors <@ ARRAY['public', 'private', 'church_protestant', 'church_catholic', 'broadcasting',
                            'telecommunications', 'postal', 'eu_institution']);

UPDATE dpas SET sectors = ARRAY[sector] WHERE sector IS NOT NULL;

ALTER TABLE dpas DROP COLUMN sector;

-- 0002's load statement, with sectors for sector.
INSERT INTO dpas (
    code, official_name, english_name, acronym, countries, regions, sectors, website, complaint_email,
    postal_address, phone, fax, complaint_web_form, complaint_languages, preferred_channel, pgp_fingerprint, sources)
SELECT
    d.code, d."officialName", d."englishName", d.acronym, d.countries, d.regions, d.sectors, d.website, d."complaintEmail",
    d."postalAddress", d.phone, d.fax, d."complaintWebForm", d."complaintLanguages", d."preferredChannel", d."pgpFingerprint", d.sources
FROM jsonb_to_recordset($dpa_registry$::jsonb) AS d (
    code text, "officialName" text, "englishName" text, acronym text, countries text[], regions text[], sectors text[],
    website text, "complaintEmail" text, "postalAddress" text, phone text, fax text, "complaintWebForm" text,
    "complaintLanguages" text[], "preferredChannel" text, "pgpFingerprint" text, sources text[])
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
    sources = EXCLUDED.sources;
