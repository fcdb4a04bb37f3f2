-- Issue 16: a case's counts and next deadline were computed per row on every read (four correlated subqueries a
-- case, 3.4× the cost of the page itself). They are kept on the case instead, by triggers on the rows they count,
-- in the transaction that changes those rows (at its commit), whoever changes them (API, sweep, erasure, imports).
ALTER TABLE cases
    ADD COLUMN complaint_count       integer NOT NULL DEFAULT 0,
    ADD COLUMN letter_count          integer NOT NULL DEFAULT 0,
    ADD COLUMN open_deadline_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN next_deadline_id      uuid,
    ADD COLUMN next_deadline_due_at  timestamptz;

-- The next deadline is recomputed, not incremented: the case's open deadlines, soonest first, from this index.
CREATE INDEX deadlines_open_by_case ON deadlines (organisation_id, case_id, due_at, id) WHERE status = 'open';

-- When the counters change: at the commit, when the transaction has taken every other lock it needs. A counter updated
-- at once would lock the case in the middle of the transaction, and a reply (its letter, then its deadline) would
-- deadlock with an extension (the deadline, then the case). The sweep, which has always locked deadlines before cases,
-- keeps that order too. A transaction that reads its own cases after changing their rows settles the counters first
-- (SET CONSTRAINTS case_counter_changes_applied IMMEDIATE, CaseCounters.SettleAsync).
--
-- How: triggers on complaints, letters and deadlines note the changes (a statement's inserts per organisation as one
-- row here, the cases and their deltas); a trigger deferred to the commit applies all of the transaction's notes at once,
-- set-wise, locking the cases in (organisation, id) order, and deletes them. Rows here never outlive their transaction,
-- and no other transaction sees them. Row-level security does not apply: the notes name ids only, as the watch list does.
CREATE TABLE jobs.case_counter_changes (
    organisation_id  uuid NOT NULL,
    counter          text NOT NULL CHECK (counter IN ('complaint_count', 'letter_count', 'deadlines')),
    case_ids         uuid[] NOT NULL,
    deltas           integer[] NOT NULL
);
GRANT SELECT, INSERT, DELETE ON jobs.case_counter_changes TO $app_role$;

-- Rows inserted or deleted. TG_ARGV[0] names the counter; for deadlines a delta of 1 marks a case whose open deadlines
-- changed. (The SQL is built as text: a statement naming a transition table this trigger does not have cannot be planned.)
CREATE FUNCTION jobs.note_case_counter_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changes text := format('SELECT organisation_id, case_id, %s AS delta FROM %s%s',
        CASE WHEN TG_OP = 'INSERT' OR TG_ARGV[0] = 'deadlines' THEN 1 ELSE -1 END,
        CASE TG_OP WHEN 'INSERT' THEN 'added' ELSE 'removed' END,
        CASE WHEN TG_ARGV[0] = 'deadlines' THEN ' WHERE status = ''open''' ELSE '' END);
BEGIN
    EXECUTE format(
        'INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas)'
        ' SELECT organisation_id, $1, array_agg(case_id ORDER BY case_id), array_agg(delta ORDER BY case_id) FROM ('
        '  SELECT organisation_id, case_id, sum(delta)::int AS delta FROM (%s) changes GROUP BY organisation_id, case_id HAVING sum(delta) <> 0'
        ' ) per_case GROUP BY organisation_id', changes) USING TG_ARGV[0];
    RETURN NULL;
END
$$;

-- Row-level security admits the organisation the transaction entered last (the sweep enters one after the other):
-- each organisation's changes are applied with it entered, and the one before is restored, so that a transaction that
-- settles its counters half-way goes on as it was. The case rows are locked first, in id order; the next deadline is
-- then recomputed from the case's open deadlines in a statement of its own, which under READ COMMITTED sees every
-- change committed by the transactions that held those locks before: the last to commit leaves the right value.
CREATE FUNCTION jobs.apply_case_counter_changes() RETURNS trigger
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
    -- Every note this transaction can see is its own.
    DELETE FROM jobs.case_counter_changes;
    PERFORM set_config('caseapi.organisation_id', coalesce(entered, ''), true);
    RETURN NULL;
END
$$;

-- A row that changes case, or a deadline that opens, closes or moves: rare among updates (a letter is updated as it is
-- sent and delivered, a deadline as the sweep warns of it), so these are row triggers that the WHEN clause keeps from
-- firing for the others, with static statements whose plans are cached.
CREATE FUNCTION jobs.note_case_counter_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'deadlines' THEN
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas)
        SELECT DISTINCT x.organisation_id, 'deadlines', ARRAY[x.case_id], ARRAY[1]
        FROM (VALUES (OLD.organisation_id, OLD.case_id), (NEW.organisation_id, NEW.case_id)) x (organisation_id, case_id);
    ELSE
        INSERT INTO jobs.case_counter_changes (organisation_id, counter, case_ids, deltas)
        VALUES (OLD.organisation_id, TG_ARGV[0], ARRAY[OLD.case_id], ARRAY[-1]), (NEW.organisation_id, TG_ARGV[0], ARRAY[NEW.case_id], ARRAY[1]);
    END IF;
    RETURN NULL;
END
$$;

-- Fires once a note, at the commit; the first applies them all and the others find none left.
CREATE CONSTRAINT TRIGGER case_counter_changes_applied AFTER INSERT ON jobs.case_counter_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION jobs.apply_case_counter_changes();

-- One trigger per event: a trigger with transition tables fires for one event only.
CREATE TRIGGER complaints_counted_in AFTER INSERT ON complaints REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('complaint_count');
CREATE TRIGGER complaints_counted_out AFTER DELETE ON complaints REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('complaint_count');
CREATE TRIGGER complaints_counted_moved AFTER UPDATE OF case_id ON complaints
    FOR EACH ROW WHEN (OLD.case_id <> NEW.case_id) EXECUTE FUNCTION jobs.note_case_counter_move('complaint_count');
CREATE TRIGGER letters_counted_in AFTER INSERT ON letters REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('letter_count');
CREATE TRIGGER letters_counted_out AFTER DELETE ON letters REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('letter_count');
CREATE TRIGGER letters_counted_moved AFTER UPDATE OF case_id ON letters
    FOR EACH ROW WHEN (OLD.case_id <> NEW.case_id) EXECUTE FUNCTION jobs.note_case_counter_move('letter_count');
CREATE TRIGGER deadlines_counted_in AFTER INSERT ON deadlines REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('deadlines');
CREATE TRIGGER deadlines_counted_out AFTER DELETE ON deadlines REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION jobs.note_case_counter_changes('deadlines');
CREATE TRIGGER deadlines_counted_changed AFTER UPDATE OF status, due_at, case_id ON deadlines
    FOR EACH ROW WHEN ((OLD.status = 'open') <> (NEW.status = 'open') OR (NEW.status = 'open' AND (OLD.due_at <> NEW.due_at OR OLD.case_id <> NEW.case_id)))
    EXECUTE FUNCTION jobs.note_case_counter_move('deadlines');

-- The counters as the triggers keep them, for every case at once: the back-fill below, and data loaded with the
-- triggers off (the load benchmark's COPY).
CREATE FUNCTION recount_case_counters() RETURNS void
LANGUAGE sql AS $$
    UPDATE cases c SET
        complaint_count = coalesce(k.n, 0), letter_count = coalesce(l.n, 0), open_deadline_count = coalesce(d.n, 0),
        next_deadline_id = d.next_id, next_deadline_due_at = d.next_due_at
    FROM cases c2
    LEFT JOIN (SELECT organisation_id, case_id, count(*)::int AS n FROM complaints GROUP BY 1, 2) k
        ON k.organisation_id = c2.organisation_id AND k.case_id = c2.id
    LEFT JOIN (SELECT organisation_id, case_id, count(*)::int AS n FROM letters GROUP BY 1, 2) l
        ON l.organisation_id = c2.organisation_id AND l.case_id = c2.id
    LEFT JOIN (
        SELECT organisation_id, case_id, count(*)::int AS n,
               (array_agg(id ORDER BY due_at, id))[1] AS next_id, min(due_at) AS next_due_at
        FROM deadlines WHERE status = 'open' GROUP BY 1, 2) d
        ON d.organisation_id = c2.organisation_id AND d.case_id = c2.id
    WHERE c.id = c2.id
      AND (c.complaint_count, c.letter_count, c.open_deadline_count, c.next_deadline_id, c.next_deadline_due_at)
          IS DISTINCT FROM (coalesce(k.n, 0), coalesce(l.n, 0), coalesce(d.n, 0), d.next_id, d.next_due_at)
$$;

-- The back-fill reads every organisation's rows: the owner, who runs the migrations, is held to row-level security like
-- the application (FORCE), and would see none. Not forced for the length of this transaction, then forced again.
ALTER TABLE cases NO FORCE ROW LEVEL SECURITY;
ALTER TABLE complaints NO FORCE ROW LEVEL SECURITY;
ALTER TABLE letters NO FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines NO FORCE ROW LEVEL SECURITY;
SELECT recount_case_counters();
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
ALTER TABLE complaints FORCE ROW LEVEL SECURITY;
ALTER TABLE letters FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines FORCE ROW LEVEL SECURITY;
