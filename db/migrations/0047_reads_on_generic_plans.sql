-- Issue 16: the lists of cases, complaints and deadlines have one statement text per combination of filters (0037 and
-- after), so that PostgreSQL can keep a plan per statement, and yet it planned them on every request: the load
-- benchmark's pg_stat_statements counted 262,859 plans for 262,843 pages of cases (143 µs of planning against 227 µs
-- of execution) and 301,669 for 301,648 pages of deadlines (166 µs against 239 µs). The plan cache compares a generic
-- plan's estimated cost with its custom plans'; with the cursor's row comparison and the LIMIT, the generic plan's
-- estimate comes out dearer (446 against 183 for a page of open cases), though it is the same backward scan of
-- cases_by_status, and reading it took 0.07 ms against 0.72 ms (EXPLAIN ANALYZE EXECUTE, warm, the full data set).
--
-- A query that names generic_plan sets plan_cache_mode = force_generic_plan for its round trip, which is a transaction
-- of its own (0045): the setting ends with it and touches no other statement. Which statements may: those whose every
-- condition finds its rows through a btree the same way whatever the value (DbSession.QueryAsync's genericPlan, chosen
-- by each list's handler; ListQueryPlanTests explain them on generic plans). Full-text and array filters stay on custom
-- plans, since how many rows a word or a tag matches decides the plan.
DROP PROCEDURE enter_read_only(uuid, uuid);

CREATE PROCEDURE enter_read_only(organisation uuid, api_key uuid DEFAULT NULL, generic_plan boolean DEFAULT false)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('transaction_read_only', 'on', true);
    IF generic_plan THEN
        PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
    END IF;
    IF organisation IS NOT NULL THEN
        CALL enter_organisation(organisation, api_key);
    END IF;
END
$$;

GRANT EXECUTE ON PROCEDURE enter_read_only(uuid, uuid, boolean) TO $app_role$;
