-- Issue 16: the sweep's cost grew with the open deadlines, not with the due ones, through the counters. Applying a
-- transaction's notes recounted each touched case's open deadlines: with 100 open a case (the escalation benchmark's
-- 1,000,000), 10,000 deadlines marked missed made the apply read 38,000 pages, 571 ms of the sweep's 4.0 s in
-- PostgreSQL, against 176 ms with 10,000 open (pg_stat_statements on both databases of one run).
--
-- The notes now carry how a case's open deadlines changed (+1 a deadline that opens or moves in, -1 one that closes or
-- moves out, 0 one whose due date moved), and the apply adds that under the case's row lock, as it does for letters and
-- complaints. The next deadline is still recomputed, but it is the first entry of deadlines_open_by_case: one probe,
-- however many are open. A note of 0 still names the case, for that recomputation.
--
-- And the statement-level notes are static statements now, planned once a session and trigger. 0037 built their text
-- and ran it with EXECUTE, because a statement naming a transition table the trigger does not have cannot be planned;
-- but PL/pgSQL plans a statement when it first runs it, so a branch per operation is enough. Planned on every firing,
-- the note was 0.24 ms of a deadline's 0.62 ms insert (EXPLAIN ANALYZE on the load benchmark's quick data set, warm).
-- Counting the open deadlines only names deadlines' status; letters and complaints have a status column as well, so
-- the same text plans for all three tables.
CREATE OR REPLACE FUNCTION jobs.note_case_counter_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        SELECT organisation_id, TG_ARGV[0], array_agg(case_id ORDER BY case_id), array_agg(n ORDER BY case_id), jobs.arm_case_counter_apply()
        FROM (SELECT organisation_id, case_id, count(*)::int AS n FROM added WHERE TG_ARGV[0] <> 'deadlines' OR status = 'open' GROUP BY 1, 2) per_case
        GROUP BY organisation_id;
    ELSE
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        SELECT organisation_id, TG_ARGV[0], array_agg(case_id ORDER BY case_id), array_agg(-n ORDER BY case_id), jobs.arm_case_counter_apply()
        FROM (SELECT organisation_id, case_id, count(*)::int AS n FROM removed WHERE TG_ARGV[0] <> 'deadlines' OR status = 'open' GROUP BY 1, 2) per_case
        GROUP BY organisation_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION jobs.note_case_counter_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'deadlines' THEN
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        SELECT x.organisation_id, 'deadlines', ARRAY[x.case_id], ARRAY[sum(x.delta)::int], jobs.arm_case_counter_apply()
        FROM (VALUES (OLD.organisation_id, OLD.case_id, -(OLD.status = 'open')::int), (NEW.organisation_id, NEW.case_id, (NEW.status = 'open')::int))
            x (organisation_id, case_id, delta)
        GROUP BY x.organisation_id, x.case_id;
    ELSE
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas, arms_apply)
        VALUES (OLD.organisation_id, TG_ARGV[0], ARRAY[OLD.case_id], ARRAY[-1], jobs.arm_case_counter_apply()),
               (NEW.organisation_id, TG_ARGV[0], ARRAY[NEW.case_id], ARRAY[1], jobs.arm_case_counter_apply());
    END IF;
    RETURN NULL;
END
$$;

-- As in 0039, with open_deadline_count added to rather than recounted.
CREATE OR REPLACE FUNCTION jobs.apply_case_counter_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entered text := current_setting('caseapi.organisation_id', true);
    changed record;
BEGIN
    FOR changed IN
        SELECT organisation_id, array_agg(case_id ORDER BY case_id) AS case_ids,
               array_agg(complaints ORDER BY case_id) AS complaints, array_agg(letters ORDER BY case_id) AS letters,
               array_agg(case_id ORDER BY case_id) FILTER (WHERE deadlines) AS deadline_case_ids,
               array_agg(open_deadlines ORDER BY case_id) FILTER (WHERE deadlines) AS open_deadlines
        FROM (
            SELECT k.organisation_id, x.case_id,
                   coalesce(sum(x.delta) FILTER (WHERE k.counter = 'complaint_count'), 0)::int AS complaints,
                   coalesce(sum(x.delta) FILTER (WHERE k.counter = 'letter_count'), 0)::int AS letters,
                   coalesce(sum(x.delta) FILTER (WHERE k.counter = 'deadlines'), 0)::int AS open_deadlines,
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
                open_deadline_count = c.open_deadline_count + x.open_deadlines,
                (next_deadline_id, next_deadline_due_at) = (
                    SELECT d.id, d.due_at FROM deadlines d
                    WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'
                    ORDER BY d.due_at, d.id LIMIT 1)
            FROM unnest(changed.deadline_case_ids, changed.open_deadlines) AS x (case_id, open_deadlines)
            WHERE c.organisation_id = changed.organisation_id AND c.id = x.case_id;
        END IF;
    END LOOP;
    DELETE FROM jobs.case_counter_changes WHERE noted_in = pg_current_xact_id();
    PERFORM set_config('caseapi.case_counters_armed', '', true);
    PERFORM set_config('caseapi.organisation_id', coalesce(entered, ''), true);
    RETURN NULL;
END
$$;
