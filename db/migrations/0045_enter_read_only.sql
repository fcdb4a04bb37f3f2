-- Issue 16: a query (a read) runs without BEGIN and COMMIT. Its settings go with each of its statements, and PostgreSQL
-- runs the statements Npgsql sends up to one Sync as one transaction (protocol docs, "Pipelining"), committed at that
-- Sync: read-only, in the caller's organisation, ended without a COMMIT round trip. A read took three round trips (the
-- key lookup, its statement, COMMIT); the COMMIT's cost the API process about 50 µs a request, most of it the socket
-- send (dotnet-trace of the load benchmark's list of cases: 38 % of the API's CPU was in socket sends).
--
-- A procedure, like enter_organisation (0043), because it returns no rows: the reader's rows are the first results. And
-- set_config, because SET TRANSACTION outside BEGIN ... COMMIT warns. An organisation of NULL enters none (an
-- operator's or an anonymous read).
CREATE PROCEDURE enter_read_only(organisation uuid)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('transaction_read_only', 'on', true);
    IF organisation IS NOT NULL THEN
        PERFORM set_config('caseapi.organisation_id', organisation::text, true);
    END IF;
END
$$;
GRANT EXECUTE ON PROCEDURE enter_read_only(uuid) TO $app_role$;
