-- Issue 15: e-mail letters carry their RFC 5322 Message-ID, so that a reply's In-Reply-To/References find the letter it answers.
-- Stored without the angle brackets, as MimeKit parses it. One organisation never holds two letters with the same Message-ID;
-- another organisation's may (a forged In-Reply-To naming it matches nothing here: the matcher reads this organisation's rows only).
ALTER TABLE letters ADD COLUMN message_id text CHECK (length(message_id) BETWEEN 1 AND 998);
CREATE UNIQUE INDEX letters_by_message_id ON letters (organisation_id, message_id) WHERE message_id IS NOT NULL;

-- The token of a case's reply address (cases+{token}@...): 80 random bits as 20 lower-case hex digits (the random nibbles of
-- gen_random_uuid(), which draws from pg_strong_random), so that an address cannot be guessed from the case's reference.
-- The volatile default gives every existing case its own token as the column is added, and every new case one at creation.
CREATE FUNCTION new_mail_token() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT substr(h, 1, 12) || substr(h, 14, 3) || substr(h, 18, 5) FROM replace(gen_random_uuid()::text, '-', '') AS h
$$;
ALTER TABLE cases ADD COLUMN mail_token text NOT NULL DEFAULT new_mail_token() CHECK (mail_token ~ '^[0-9a-f]{20}$');
CREATE UNIQUE INDEX cases_by_mail_token ON cases (mail_token);
-- The matcher looks tokens up within the organisation.
CREATE INDEX cases_by_organisation_mail_token ON cases (organisation_id, mail_token);

-- The message an imported letter was made from, byte for byte (.eml), downloadable. The SHA-256 imports each message once per
-- organisation even when it has no Message-ID; the Message-ID index on letters catches the same message saved twice differently.
CREATE TABLE letter_originals (
    organisation_id  uuid NOT NULL,
    letter_id        uuid NOT NULL,
    size             bigint NOT NULL CHECK (size BETWEEN 1 AND 41943040),
    sha256           bytea NOT NULL CHECK (length(sha256) = 32),
    content          bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, letter_id),
    FOREIGN KEY (organisation_id, letter_id) REFERENCES letters (organisation_id, id)
);

CREATE UNIQUE INDEX letter_originals_by_sha256 ON letter_originals (organisation_id, sha256);
SELECT enable_tenant_isolation('letter_originals');
