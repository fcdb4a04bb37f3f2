-- Issue 16: what the counters of migration 0037 cost, measured on the load benchmark's data set.
--
-- The notes are written and deleted in every transaction that changes a case's letters, complaints or deadlines, so the
-- table is mostly dead rows until autovacuum comes by. The apply trigger read and deleted "every note this transaction
-- can see" with a sequential scan through all of them: under 400 sends a second that took most of the counters' 1.1 ms
-- a send. The notes now carry their transaction and are found through an index on it.
--
-- And the apply trigger fired once a note, at the commit: the first applied them all, the other 1,999 of a sweep batch
-- (one note a deadline marked missed) found none, at 0.1 ms each. Now only a transaction's first note arms it (until
-- it has run: a transaction that settles its counters and goes on arms it again), marked in a transaction-local
-- setting; a savepoint rolled back takes its notes, its armed note and the setting back together.
ALTER TABLE jobs.case_counter_changes
    ADD COLUMN noted_in xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN arms_apply boolean NOT NULL DEFAULT false;
CREATE INDEX case_counter_changes_by_transaction ON jobs.case_counter_changes (noted_in);

DROP TRIGGER case_counter_changes_applied ON jobs.case_counter_changes;
CREATE CONSTRAINT TRIGGER case_counter_changes_applied AFTER INSERT ON jobs.case_counter_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.arms_apply) EXECUTE FUNCTION jobs.apply_case_counter_changes();

-- True for the first note since the transaction began or last applied its notes.
CREATE FUNCTION jobs.arm_case_counter_apply() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('caseapi.case_counters_armed', true), '') <> '' THEN
        RETURN false;
    END IF;
    PERFORM set_config('caseapi.case_counters_armed', 'yes', true);
    RETURN true;
END
$$;

-- As in 0037, with the arming.
CREATE OR REPLACE FUNCTION jobs.note_case_counter_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changes text := format('SELECT organisation_id, case_id, %s AS delta FROM %s%s',
        CASE WHEN TG_OP = 'INSERT' OR TG_ARGV[0] = 'deadlines' THEN 1 ELSE -1 END,
        CASE TG_OP WHEN 'INSERT' THEN 'added' ELSE 'removed' END,
        CASE WHEN TG_ARGV[0] = 'deadlines' THEN ' WHERE status = ''open''' ELSE '' END);
BEGIN
    EXECUTE format(
        'INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)'
        ' SELECT organisation_id, $1, array_agg(case_id ORDER BY case_id), array_agg(delta ORDER BY case_id), jobs.arm_case_counter_apply() FROM ('
        '  SELECT organisation_id, case_id, sum(delta)::int AS delta FROM (%s) changes GROUP BY organisation_id, case_id HAVING sum(delta) <> 0'
        ' ) per_case GROUP BY organisation_id', changes) USING TG_ARGV[0];
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION jobs.note_case_counter_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'deadlines' THEN
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        SELECT DISTINCT x.organisation_id, 'deadlines', ARRAY[x.case_id], ARRAY[1], jobs.arm_case_counter_apply()
        FROM (VALUES (OLD.organisation_id, OLD.case_id), (NEW.organisation_id, NEW.case_id)) x (organisation_id, case_id);
    ELSE
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        VALUES (OLD.organisation_id, TG_ARGV[0], ARRAY[OLD.case_id], ARRAY[-1], jobs.arm_case_counter_apply()),
               (NEW.organisation_id, TG_ARGV[0], ARRAY[NEW.case_id], ARRAY[1], jobs.arm_case_counter_apply());
    END IF;
    RETURN NULL;
END
$$;

-- As in 0037, but reading and deleting the notes of this transaction only (pg_current_xact_id() names the top-level
-- transaction in a savepoint too, so notes written in one are found), and disarming.
CREATE OR REPLACE FUNCTION jobs.apply_case_counter_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entered text := current_setting('caseapi.organisation_id', true);
    changed record;
BEGIN
    FOR changed IN
        SELECT organisation_id, array_agg(case_id ORDER BY case_id) AS case_ids,
               array_agg(complaints ORDER BY case_id) AS complaints, array_agg(letters ORDER BY case_id) AS letters,
               array_agg(case_id ORDER BY case_id) FILTER (WHERE deadlines) AS deadline_case_ids
        FROM (
            SELECT k.organisation_id, x.case_id,
                   coalesce(sum(x.delta) FILTER (WHERE k.counter = 'complaint_count'), 0)::int AS complaints,
                   coalesce(sum(x.delta) FILTER (WHERE k.counter = 'letter_count'), 0)::int AS letters,
                   bool_or(k.counter = 'deadlines') AS deadlines
            FROM jobs.case_counter_changes k CROSS JOIN LATERAL unnest(k.case_ids, k.deltas) AS x (case_id, delta)
            WHERE k.noted_in = pg_current_xact_id()
            GROUP BY k.organisation_id, x.case_id
        ) per_case
        GROUP BY organisation_id ORDER BY organisation_id
    LOOP
        PERFORM set_config('caseapi.organisation_id', changed.organisation_id::text, true);
        PERFORM FROM cases WHERE organisation_id = changed.organisation_id AND id = ANY (changed.case_ids) ORDER BY id FOR NO KEY UPDATE;
        UPDATE cases c SET complaint_count = c.complaint_count + x.complaints, letter_count = c.letter_count + x.letters
        FROM unnest(changed.case_ids, changed.complaints, changed.letters) AS x (case_id, complaints, letters)
        WHERE c.organisation_id = changed.organisation_id AND c.id = x.case_id AND (x.complaints <> 0 OR x.letters <> 0);
        IF changed.deadline_case_ids IS NOT NULL THEN
            UPDATE cases c SET
                open_deadline_count = (SELECT count(*) FROM deadlines d WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'),
                (next_deadline_id, next_deadline_due_at) = (
                    SELECT d.id, d.due_at FROM deadlines d
                    WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'
                    ORDER BY d.due_at, d.id LIMIT 1)
            WHERE c.organisation_id = changed.organisation_id AND c.id = ANY (changed.deadline_case_ids);
        END IF;
    END LOOP;
    DELETE FROM jobs.case_counter_changes WHERE noted_in = pg_current_xact_id();
    PERFORM set_config('caseapi.case_counters_armed', '', true);
    PERFORM set_config('caseapi.organisation_id', coalesce(entered, ''), true);
    RETURN NULL;
END
$$;

-- A case's counters change with every letter: room on each page for the changed row keeps the update HOT (no counter is
-- indexed). Applies to pages written from now on.
ALTER TABLE cases SET (fillfactor = 90);
