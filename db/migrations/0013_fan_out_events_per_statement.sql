-- Webhook fan-out once per statement instead of once per event row. The deadline sweep writes a batch's events
-- (hundreds, each with its resource) in one INSERT, and the row trigger ran its query for each of them: about a
-- third of that INSERT's time. Same deliveries, same transaction; the inserted rows come as a transition table.
CREATE FUNCTION jobs.fan_out_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH created AS (
        INSERT INTO webhook_deliveries (id, organisation_id, webhook_id, event_id, status, next_attempt_at, created_at)
        SELECT gen_random_uuid(), e.organisation_id, w.id, e.id, 'pending', e.occurred_at, e.occurred_at
        FROM inserted e
        JOIN webhooks w ON w.organisation_id = e.organisation_id AND w.enabled
                       AND (cardinality(w.event_types) = 0 OR e.type = ANY (w.event_types))
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        RETURNING id, organisation_id, next_attempt_at
    )
    INSERT INTO jobs.webhook_dispatch (delivery_id, organisation_id, next_attempt_at)
    SELECT id, organisation_id, next_attempt_at FROM created;
    RETURN NULL;
END
$$;
GRANT EXECUTE ON FUNCTION jobs.fan_out_events() TO $app_role$;

DROP TRIGGER events_fan_out ON events;
CREATE TRIGGER events_fan_out
    AFTER INSERT ON events
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.fan_out_events();
DROP FUNCTION jobs.fan_out_event();
