-- A letter's body has a maximum length (LetterLimits.MaxBodyLength), as its subject has since 0008: the validators refused
-- longer bodies, but a template could draft one of any length (issue 11: 4 MiB from 22 doublings), copied into events
-- and webhooks. NOT VALID: a body drafted that way before this migration stays as it was recorded (a letter is a record,
-- not ours to cut); every letter written or changed from now on is checked.
ALTER TABLE letters ADD CONSTRAINT letters_body_length CHECK (length(body) <= 200000) NOT VALID;
