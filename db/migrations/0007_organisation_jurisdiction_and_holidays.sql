-- Deadlines are computed as the law of the organisation's jurisdiction computes them: its public
-- holidays, and days that end at 24:00 in its time zone (Reg. 1182/71 Art. 3; BGB §§ 187-193).
ALTER TABLE organisations
    ADD COLUMN jurisdiction text NOT NULL DEFAULT 'DE' CHECK (jurisdiction ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Berlin' CHECK (length(time_zone) BETWEEN 1 AND 64),
    ADD COLUMN version integer NOT NULL DEFAULT 1;

ALTER TABLE organisations ALTER COLUMN jurisdiction DROP DEFAULT, ALTER COLUMN time_zone DROP DEFAULT;

-- Public holidays that the holiday library lacks, or gets wrong, per jurisdiction ('IE', or 'DE-NW' for a
-- region only). Reference data like the DPA registry: the application reads it, migrations change it.
CREATE TABLE public_holidays (
    jurisdiction  text NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    day           date NOT NULL,
    name          text NOT NULL,
    source        text NOT NULL,
    PRIMARY KEY (jurisdiction, day)
);

REVOKE INSERT, UPDATE, DELETE ON public_holidays FROM $app_role$;
