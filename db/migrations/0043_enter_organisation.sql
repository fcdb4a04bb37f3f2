-- Issue 16: the organisation a transaction works for, set by a statement that returns no rows. DbSession sends it (and
-- SET TRANSACTION READ ONLY for a query) in one round trip with the transaction's first statement, whose rows are then
-- the first a reader sees: a SELECT set_config(...) would put its own row ahead of them. A request took three round
-- trips (the settings, its statement, COMMIT) where the load benchmark's baseline takes two; the extra one cost a read
-- of a case by id about 50 µs of PostgreSQL's CPU and 70 µs of the API's (the benchmark's figures against its baseline).
CREATE PROCEDURE enter_organisation(organisation uuid)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('caseapi.organisation_id', organisation::text, true);
END
$$;
GRANT EXECUTE ON PROCEDURE enter_organisation(uuid) TO $app_role$;
