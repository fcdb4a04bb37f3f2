-- Issue 12, points 2, 3 and 5.

-- BGB § 190: an extension runs from the end of the old period as computed, before § 193 (Reg. 1182/71 Art. 3(4))
-- moved it off a weekend or holiday. last_day keeps that unmoved last day; due_date stays the day the act is due.
-- NULL where nothing moved it (the same day as due_date).
ALTER TABLE deadlines ADD COLUMN last_day date;
-- GDPR Art. 12(3) allows one extension: when it was granted and by what period (NULL for a new date given outright),
-- so that a second one is refused and a delivery receipt recorded later can recompute the extended end.
ALTER TABLE deadlines ADD COLUMN extended_at timestamptz;
ALTER TABLE deadlines ADD COLUMN extended_by text;

-- Existing rows: a deadline set as a period and never extended ends, unmoved, on starts_on + period (PostgreSQL reads
-- ISO 8601 periods and adds months before days, as DeadlinePeriod does). Extended ones and dates given outright keep
-- NULL, their due date, as the best we know. Row-level security would hide every row from the owner (FORCE), so it
-- is lifted for the backfill only.
ALTER TABLE deadlines NO FORCE ROW LEVEL SECURITY;
UPDATE deadlines SET extended_at = updated_at WHERE computation LIKE '% Extended: %';
UPDATE deadlines SET last_day = (starts_on + period::interval)::date WHERE period IS NOT NULL AND extended_at IS NULL;
ALTER TABLE deadlines FORCE ROW LEVEL SECURITY;

-- GDPR Art. 12(3): the month runs from receipt of the request, which a delivery receipt shows.
ALTER TABLE letters ADD COLUMN delivered_on date;

-- Issue 12 point 5: every date derived from an instant is the organisation's local date (a complaint filed at
-- 23:30 UTC on 3 March was filed on 4 March in Berlin). One function for all SQL that stores such a date.
CREATE FUNCTION local_day(instant timestamptz) RETURNS date
    LANGUAGE sql STABLE
    AS $$ SELECT (instant AT TIME ZONE time_zone)::date FROM organisations WHERE id = current_organisation_id() $$;
