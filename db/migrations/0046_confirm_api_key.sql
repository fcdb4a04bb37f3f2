-- Issue 16: a request with an API key the instance verified a moment ago is not looked up again before its handler
-- runs. The key lookup was a round trip of its own on every request (the load benchmark's list of cases: two round
-- trips a read, and 38 % of the API's CPU in socket sends, most of it Npgsql's). An instance now remembers the keys it
-- verified (ApiKeyCache), and the settings that go ahead of the request's first statement confirm that the key is
-- still there and not revoked, in the same round trip: a key revoked through any instance stops working at the next
-- statement of every request, as the revoke endpoint promises ("the key stops working at once").
--
-- An API key's organisation never changes and its expiry is checked by the application against its own clock
-- (TimeProvider, which tests move), so the statement checks what can change behind an instance's back: that the key
-- exists in this organisation and is not revoked. SQLSTATE CA401 (a class of our own) is answered 401.
--
-- DROP and CREATE instead of an overload: one procedure each, and a call with the organisation alone (a job, the
-- calendar feed, an instance not yet upgraded during a rolling deploy) still resolves to it through the default.
DROP PROCEDURE enter_read_only(uuid);
DROP PROCEDURE enter_organisation(uuid);

CREATE PROCEDURE enter_organisation(organisation uuid, api_key uuid DEFAULT NULL)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('caseapi.organisation_id', organisation::text, true);
    -- Row-level security shows this organisation's keys only: a key of another organisation is not found either.
    IF api_key IS NOT NULL AND NOT EXISTS (SELECT FROM api_keys k WHERE k.id = api_key AND k.revoked_at IS NULL) THEN
        RAISE EXCEPTION 'API key % was revoked', api_key USING ERRCODE = 'CA401';
    END IF;
END
$$;

-- See 0045: a query's settings, for the statements up to one Sync. An organisation of NULL enters none (an operator's or
-- an anonymous read), and then there is no key to confirm either.
CREATE PROCEDURE enter_read_only(organisation uuid, api_key uuid DEFAULT NULL)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('transaction_read_only', 'on', true);
    IF organisation IS NOT NULL THEN
        CALL enter_organisation(organisation, api_key);
    END IF;
END
$$;

GRANT EXECUTE ON PROCEDURE enter_organisation(uuid, uuid) TO $app_role$;
GRANT EXECUTE ON PROCEDURE enter_read_only(uuid, uuid) TO $app_role$;
