-- Issue 16: a case's defendants were read with a subquery a row on every read of a case. On the load benchmark's quick
-- data set a list page of 50 open cases ran in 0.117 ms with it and 0.035 ms without (EXPLAIN ANALYZE, prepared, warm).
-- They are kept on the case now, as its counts are (migration 0037), by triggers on case_defendants, whoever writes them.
ALTER TABLE cases ADD COLUMN defendant_ids uuid[] NOT NULL DEFAULT '{}';

-- Recomputed, not added to: a case names a handful of defendants, and the list is kept in id order. At once rather than
-- at the commit: a case's defendants change only while its writer holds the case (OpenCase inserts it, UpdateCase locks
-- it first) or when the case itself is deleted. A static statement per operation: PL/pgSQL plans a statement when it
-- first runs it, so the branch that names a transition table this trigger does not have is never planned.
CREATE FUNCTION keep_case_defendant_ids() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY(SELECT DISTINCT case_id FROM added);
    ELSE
        touched := ARRAY(SELECT DISTINCT case_id FROM removed);
    END IF;
    UPDATE cases c SET defendant_ids = ARRAY(
        SELECT cd.defendant_id FROM case_defendants cd WHERE cd.organisation_id = c.organisation_id AND cd.case_id = c.id ORDER BY cd.defendant_id)
    WHERE c.id = ANY (touched);
    RETURN NULL;
END
$$;

CREATE TRIGGER case_defendants_listed_in AFTER INSERT ON case_defendants REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION keep_case_defendant_ids();
CREATE TRIGGER case_defendants_listed_out AFTER DELETE ON case_defendants REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION keep_case_defendant_ids();

-- As in 0037, with the defendants: what the triggers keep, for every case at once (the back-fill below, and data
-- loaded with the triggers off, as the load benchmark's COPY does).
CREATE OR REPLACE FUNCTION recount_case_counters() RETURNS void
LANGUAGE sql AS $$
    UPDATE cases c SET
        complaint_count = coalesce(k.n, 0), letter_count = coalesce(l.n, 0), open_deadline_count = coalesce(d.n, 0),
        next_deadline_id = d.next_id, next_deadline_due_at = d.next_due_at, defendant_ids = coalesce(f.ids, '{}')
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
    LEFT JOIN (SELECT organisation_id, case_id, array_agg(defendant_id ORDER BY defendant_id) AS ids FROM case_defendants GROUP BY 1, 2) f
        ON f.organisation_id = c2.organisation_id AND f.case_id = c2.id
    WHERE c.id = c2.id
      AND (c.complaint_count, c.letter_count, c.open_deadline_count, c.next_deadline_id, c.next_deadline_due_at, c.defendant_ids)
          IS DISTINCT FROM (coalesce(k.n, 0), coalesce(l.n, 0), coalesce(d.n, 0), d.next_id, d.next_due_at, coalesce(f.ids, '{}'))
$$;

-- The back-fill reads every organisation's rows: not forced for the length of this transaction, as in 0037.
ALTER TABLE cases NO FORCE ROW LEVEL SECURITY;
ALTER TABLE complaints NO FORCE ROW LEVEL SECURITY;
ALTER TABLE letters NO FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines NO FORCE ROW LEVEL SECURITY;
ALTER TABLE case_defendants NO FORCE ROW LEVEL SECURITY;
SELECT recount_case_counters();
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
ALTER TABLE complaints FORCE ROW LEVEL SECURITY;
ALTER TABLE letters FORCE ROW LEVEL SECURITY;
ALTER TABLE deadlines FORCE ROW LEVEL SECURITY;
ALTER TABLE case_defendants FORCE ROW LEVEL SECURITY;
