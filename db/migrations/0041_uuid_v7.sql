-- Issue 16: ids that PostgreSQL makes itself, ordered by time as the application's are (Guid.CreateVersion7, RFC 9562
-- § 5.7). The sweep writes its timeline entries set-wise in SQL, with gen_random_uuid() ids: each entry went to a random
-- leaf page of the timeline's primary key, with 1,000,000 open deadlines one rarely in the buffer cache, twice an
-- escalation. With the time first, new entries go to the right-hand edge of the index, as the API's do.
--
-- The 48-bit Unix time in milliseconds replaces the first six bytes of a random (version 4) UUID; setting bits 52 and 53
-- turns its version nibble from 0100 into 0111 (7). The variant bits and the 74 random bits stay as gen_random_uuid()
-- drew them.
CREATE FUNCTION uuid_v7(at timestamptz) RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;
