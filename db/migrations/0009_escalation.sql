-- Deadline escalation (issue: due-soon warnings, missed deadlines, reminders, legal-action flags).

-- Hangfire keeps its own tables in its own schema of the same database; the application role creates
-- them on first start (Hangfire.PostgreSql takes an advisory lock for that) and owns only those.
CREATE SCHEMA IF NOT EXISTS hangfire;
GRANT USAGE, CREATE ON SCHEMA hangfire TO $app_role$;

ALTER TABLE deadlines
    ADD COLUMN due_soon_at timestamptz,
    ADD COLUMN due_soon_notified_at timestamptz,
    ADD COLUMN missed_at timestamptz,
    ADD COLUMN escalated_at timestamptz;
ALTER TABLE deadlines DROP CONSTRAINT deadlines_met_has_time;
-- A deadline answered late keeps the time it was met; 'met' always has one.
ALTER TABLE deadlines ADD CONSTRAINT deadlines_met_has_time CHECK (status <> 'met' OR met_at IS NOT NULL);

-- A reminder points at the letter it chases; its own deadline missed escalates the case.
ALTER TABLE letters ADD COLUMN reminder_of_id uuid;
ALTER TABLE letters ADD CONSTRAINT letters_reminder_of_fkey FOREIGN KEY (organisation_id, reminder_of_id) REFERENCES letters (organisation_id, id);

ALTER TABLE cases
    ADD COLUMN escalated_at timestamptz,
    ADD COLUMN escalation_recommendation text;

-- Each step happens once per deadline, whatever runs twice: the key is the guarantee, not a lock.
CREATE TABLE deadline_escalations (
    organisation_id  uuid NOT NULL,
    deadline_id      uuid NOT NULL,
    step             text NOT NULL CHECK (step IN ('due_soon', 'missed', 'reminder_drafted', 'case_escalated')),
    occurred_at      timestamptz NOT NULL,
    letter_id        uuid,
    PRIMARY KEY (deadline_id, step),
    FOREIGN KEY (organisation_id, deadline_id) REFERENCES deadlines (organisation_id, id)
);

CREATE INDEX deadline_escalations_by_organisation ON deadline_escalations (organisation_id, occurred_at);

CREATE TABLE escalation_policies (
    organisation_id  uuid PRIMARY KEY REFERENCES organisations (id),
    policy           jsonb NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL
);

-- What happened, for integrations: written in the same transaction as the change (transactional outbox).
CREATE TABLE events (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    type             text NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    occurred_at      timestamptz NOT NULL,
    resource_type    text NOT NULL,
    resource_id      uuid NOT NULL,
    data             jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX events_by_organisation ON events (organisation_id, occurred_at, id);

SELECT enable_tenant_isolation('deadline_escalations');
SELECT enable_tenant_isolation('escalation_policies');
SELECT enable_tenant_isolation('events');

-- The sweep's work list. Row-level security would hide other organisations' deadlines from a sweep that
-- serves them all, so the list lives apart, in the jobs schema, with ids and times only: no case data.
-- A trigger keeps it in step with every change to a deadline, whoever makes it. Its index makes the
-- sweep's cost grow with the deadlines that are due, not with those that are open.
CREATE SCHEMA jobs;
GRANT USAGE ON SCHEMA jobs TO $app_role$;

CREATE TABLE jobs.deadline_watch (
    deadline_id      uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    next_check_at    timestamptz NOT NULL
);

CREATE INDEX deadline_watch_due ON jobs.deadline_watch (next_check_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.deadline_watch TO $app_role$;

CREATE FUNCTION jobs.watch_deadline() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'open' THEN
        INSERT INTO jobs.deadline_watch (deadline_id, organisation_id, next_check_at)
        VALUES (NEW.id, NEW.organisation_id,
                CASE WHEN NEW.due_soon_notified_at IS NULL AND NEW.due_soon_at IS NOT NULL THEN least(NEW.due_soon_at, NEW.due_at) ELSE NEW.due_at END)
        ON CONFLICT (deadline_id) DO UPDATE SET next_check_at = excluded.next_check_at;
    ELSE
        DELETE FROM jobs.deadline_watch WHERE deadline_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deadlines_watch
    AFTER INSERT OR UPDATE OF status, due_at, due_soon_at, due_soon_notified_at ON deadlines
    FOR EACH ROW EXECUTE FUNCTION jobs.watch_deadline();
GRANT EXECUTE ON FUNCTION jobs.watch_deadline() TO $app_role$;
