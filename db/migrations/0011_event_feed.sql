-- A gap-free change feed. Sequence numbers are handed out before commit, so a reader polling "after the last
-- number I saw" can skip an event whose transaction commits later with a smaller number. Each event records
-- the id of the transaction that wrote it; the feed only returns events of transactions older than every
-- transaction still running (pg_snapshot_xmin), in transaction order, so nothing can appear behind a reader.
ALTER TABLE events
    ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;

CREATE INDEX events_feed ON events (organisation_id, txid, seq);
