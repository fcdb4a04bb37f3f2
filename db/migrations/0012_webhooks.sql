-- Signed webhooks delivered from the outbox (the events table), with retries on the Standard Webhooks schedule.

CREATE TABLE webhooks (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL REFERENCES organisations (id),
    url              text NOT NULL CHECK (length(url) <= 2000),
    -- Empty: every event type.
    event_types      text[] NOT NULL DEFAULT '{}',
    enabled          boolean NOT NULL,
    -- The signing secret (whsec_…) is stored as given, not hashed and not encrypted: it has to be read back to sign
    -- every delivery, and there is no key management to encrypt it with yet. Only the database and the dispatcher see
    -- it; the API shows it once, on creation and rotation.
    secret           text NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    disabled_reason  text,
    -- Set by the first failed delivery after a success; three days of nothing but failures disables the webhook.
    failing_since    timestamptz,
    UNIQUE (organisation_id, id)
);

CREATE INDEX webhooks_by_organisation ON webhooks (organisation_id, id) WHERE enabled;

-- One delivery per event and webhook; its id is the webhook-id header, the same on every attempt, so that a
-- receiver can drop duplicates.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    organisation_id  uuid NOT NULL,
    webhook_id       uuid NOT NULL,
    event_id         uuid NOT NULL REFERENCES events (id),
    status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'abandoned')),
    attempts         integer NOT NULL DEFAULT 0,
    -- Attempts made before the last manual redelivery: the retry schedule starts again from there.
    schedule_start   integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    UNIQUE (webhook_id, event_id),
    UNIQUE (organisation_id, id),
    FOREIGN KEY (organisation_id, webhook_id) REFERENCES webhooks (organisation_id, id) ON DELETE CASCADE
);

CREATE INDEX webhook_deliveries_log ON webhook_deliveries (organisation_id, webhook_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    organisation_id  uuid NOT NULL,
    delivery_id      uuid NOT NULL,
    attempt          integer NOT NULL,
    at               timestamptz NOT NULL,
    status_code      integer,
    error            text,
    duration_ms      integer NOT NULL,
    PRIMARY KEY (delivery_id, attempt),
    FOREIGN KEY (organisation_id, delivery_id) REFERENCES webhook_deliveries (organisation_id, id) ON DELETE CASCADE
);

CREATE INDEX webhook_attempts_by_organisation ON webhook_attempts (organisation_id, delivery_id);

SELECT enable_tenant_isolation('webhooks');
SELECT enable_tenant_isolation('webhook_deliveries');
SELECT enable_tenant_isolation('webhook_attempts');

-- The dispatcher's work list, like jobs.deadline_watch: ids and times only, outside row-level security, so that one
-- dispatcher serves every organisation. A row exists while its delivery waits for an attempt.
CREATE TABLE jobs.webhook_dispatch (
    delivery_id      uuid PRIMARY KEY REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL,
    next_attempt_at  timestamptz NOT NULL
);

CREATE INDEX webhook_dispatch_due ON jobs.webhook_dispatch (next_attempt_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.webhook_dispatch TO $app_role$;

-- Fan-out in the event's own transaction: the delivery and its work-list row exist exactly when the event does, so a
-- process killed between commit and delivery loses nothing; the dispatch row waits for the next run.
CREATE FUNCTION jobs.fan_out_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH created AS (
        INSERT INTO webhook_deliveries (id, organisation_id, webhook_id, event_id, status, next_attempt_at, created_at)
        SELECT gen_random_uuid(), NEW.organisation_id, w.id, NEW.id, 'pending', NEW.occurred_at, NEW.occurred_at
        FROM webhooks w
        WHERE w.organisation_id = NEW.organisation_id AND w.enabled
          AND (cardinality(w.event_types) = 0 OR NEW.type = ANY (w.event_types))
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        RETURNING id, organisation_id, next_attempt_at
    )
    INSERT INTO jobs.webhook_dispatch (delivery_id, organisation_id, next_attempt_at)
    SELECT id, organisation_id, next_attempt_at FROM created;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_fan_out
    AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION jobs.fan_out_event();
GRANT EXECUTE ON FUNCTION jobs.fan_out_event() TO $app_role$;
