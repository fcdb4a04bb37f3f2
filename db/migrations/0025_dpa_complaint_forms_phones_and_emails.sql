-- db/data/dpas.json gained complaint web forms for 28 authorities (6 -> 34), the phone numbers of the six that lacked
-- one, and complaint e-mail addresses for five more; the Greek authority's is now its dedicated complaints address
-- (complaints@dpa.gr, was contact@dpa.gr). Each value came from the datenanfragen.de supervisory-authority records
-- (CC0) and the authority's own pages they cite (the EDPS's form from its own site), all now among the entry's sources.
-- DbUp runs 0018 only once: this repeats its load statement unchanged.

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
