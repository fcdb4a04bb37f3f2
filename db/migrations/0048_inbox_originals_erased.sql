-- GDPR Art. 17: erasing a person deletes the original e-mails kept of the correspondence about them (letter_originals,
-- issue 15), yet a message assigned from the inbox kept its own copy of the same e-mail, still served byte for byte by
-- GET /v1/inbox/{id}/original. Erasure now empties that copy and says when; the row stays, as the inbox's record of
-- what arrived, where it went (case, letter) and its size and digest.
ALTER TABLE inbox_messages ALTER COLUMN content DROP NOT NULL;
ALTER TABLE inbox_messages ADD COLUMN content_erased_at timestamptz;
ALTER TABLE inbox_messages ADD CONSTRAINT inbox_messages_content_or_erased CHECK ((content IS NULL) = (content_erased_at IS NOT NULL));
