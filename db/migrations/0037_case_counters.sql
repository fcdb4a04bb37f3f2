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

-- The triggers are deferred to the commit, when the transaction has taken every other lock it needs: a counter
-- updated at once would lock the case in the middle of the transaction, and a reply (letter, then its deadline)
-- would deadlock with an extension (deadline, then case). The sweep, which has always locked deadlines before cases,
-- keeps that order too. A transaction that reads its own cases after changing their rows settles the counters first
-- (SET CONSTRAINTS … IMMEDIATE, CaseCounters.SettleAsync).

-- The open deadline count and next deadline of a case, from its open deadlines. The case is locked first, and the
-- recount is a statement of its own: under READ COMMITTED it then sees every change committed by the transactions
-- that held the lock before, so that the last to commit leaves the right value.
CREATE FUNCTION refresh_next_deadline(the_organisation uuid, the_case uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM cases c WHERE c.organisation_id = the_organisation AND c.id = the_case FOR NO KEY UPDATE;
    UPDATE cases c SET
        open_deadline_count = (SELECT count(*) FROM deadlines d WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'),
        (next_deadline_id, next_deadline_due_at) = (
            SELECT d.id, d.due_at FROM deadlines d
            WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'
            ORDER BY d.due_at, d.id LIMIT 1)
    WHERE c.organisation_id = the_organisation AND c.id = the_case;
END
$$;

-- A deferred trigger runs at the commit, where row-level security admits the organisation the transaction entered last
-- (the sweep enters one after the other): each row's own organisation is entered for its change, and the one before
-- is restored, so that a transaction that settles its counters half-way (SET CONSTRAINTS) goes on as it was.
CREATE FUNCTION refresh_case_deadlines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entered text := current_setting('caseapi.organisation_id', true);
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM set_config('caseapi.organisation_id', OLD.organisation_id::text, true);
        PERFORM refresh_next_deadline(OLD.organisation_id, OLD.case_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        NULL;
    ELSIF TG_OP = 'INSERT' OR NEW.case_id <> OLD.case_id THEN
        PERFORM set_config('caseapi.organisation_id', NEW.organisation_id::text, true);
        PERFORM refresh_next_deadline(NEW.organisation_id, NEW.case_id);
    END IF;
    PERFORM set_config('caseapi.organisation_id', coalesce(entered, ''), true);
    RETURN NULL;
END
$$;

-- Complaints and letters: a case's count goes up and down by one; TG_ARGV[0] names the counter.
CREATE FUNCTION count_case_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entered text := current_setting('caseapi.organisation_id', true);
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM set_config('caseapi.organisation_id', OLD.organisation_id::text, true);
        EXECUTE format('UPDATE cases SET %I = %I - 1 WHERE organisation_id = $1 AND id = $2', TG_ARGV[0], TG_ARGV[0]) USING OLD.organisation_id, OLD.case_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM set_config('caseapi.organisation_id', NEW.organisation_id::text, true);
        EXECUTE format('UPDATE cases SET %I = %I + 1 WHERE organisation_id = $1 AND id = $2', TG_ARGV[0], TG_ARGV[0]) USING NEW.organisation_id, NEW.case_id;
    END IF;
    PERFORM set_config('caseapi.organisation_id', coalesce(entered, ''), true);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER complaints_counted AFTER INSERT OR DELETE ON complaints DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION count_case_row('complaint_count');
CREATE CONSTRAINT TRIGGER complaints_counted_moved AFTER UPDATE OF case_id ON complaints DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id) EXECUTE FUNCTION count_case_row('complaint_count');
CREATE CONSTRAINT TRIGGER letters_counted AFTER INSERT OR DELETE ON letters DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION count_case_row('letter_count');
CREATE CONSTRAINT TRIGGER letters_counted_moved AFTER UPDATE OF case_id ON letters DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id) EXECUTE FUNCTION count_case_row('letter_count');
CREATE CONSTRAINT TRIGGER deadlines_counted_in AFTER INSERT ON deadlines DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'open') EXECUTE FUNCTION refresh_case_deadlines();
CREATE CONSTRAINT TRIGGER deadlines_counted_out AFTER DELETE ON deadlines DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.status = 'open') EXECUTE FUNCTION refresh_case_deadlines();
CREATE CONSTRAINT TRIGGER deadlines_counted_changed AFTER UPDATE OF status, due_at, case_id ON deadlines DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN ((OLD.status = 'open') <> (NEW.status = 'open')
                       OR (NEW.status = 'open' AND (OLD.due_at <> NEW.due_at OR OLD.case_id <> NEW.case_id)))
    EXECUTE FUNCTION refresh_case_deadlines();

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

SELECT recount_case_counters();
