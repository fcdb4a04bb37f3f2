-- Letter templates of an organisation: subject and body are Liquid templates that draft a letter from a case's data.
-- The built-in templates (reminders) live in the code, not here: every organisation has them, and a fix to their
-- wording reaches everyone with the next release instead of needing a data migration.
CREATE TABLE letter_templates (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    -- "C": lists page by name, and the built-in templates are merged in by the same (ordinal) order.
    name             text COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The type of the letter the template drafts; the same list as letters.type.
    letter_type      text NOT NULL CHECK (letter_type IN ('cease_and_desist', 'complaint_submission', 'request_for_information', 'data_subject_request',
                                                          'reminder', 'reply', 'acknowledgement', 'decision', 'other')),
    -- ISO 639-1. Only languages whose dates the date_long filter can write: a new one needs its month names there first.
    language         text NOT NULL CHECK (language IN ('de', 'en')),
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 200000),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT letter_templates_name_unique UNIQUE (organisation_id, name)
);

SELECT enable_tenant_isolation('letter_templates');
