-- The organisation-wide letters list (GET /v1/letters, issue 14 point 11) pages by id, as every list does; each
-- filter gets an index that leads with the organisation (and, for equality filters, ends with id, so a filtered page
-- is read in order rather than sorted). The list without filters, and with only `direction` (which halves the
-- letters), reads letters_organisation_id_id_key in id order; a recent `sentAfter` reads letters_by_sent_at.
CREATE INDEX letters_by_status ON letters (organisation_id, status, id);
CREATE INDEX letters_by_defendant ON letters (organisation_id, defendant_id, id) WHERE defendant_id IS NOT NULL;
CREATE INDEX letters_by_dpa ON letters (organisation_id, dpa_id, id) WHERE dpa_id IS NOT NULL;
CREATE INDEX letters_by_sent_at ON letters (organisation_id, sent_at) WHERE sent_at IS NOT NULL;
