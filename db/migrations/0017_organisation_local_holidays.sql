-- Holidays that vary below the region: Bavaria keeps Assumption Day (15 August) only in municipalities with a
-- predominantly Catholic population (FTG Art. 1(1) no. 2, Art. 1(3)) and Augsburg alone keeps 8 August (FTG Art. 1(2));
-- Thuringia keeps Corpus Christi only in some municipalities (ThürFGtG § 2(2)). An organisation states its municipality's
-- additions and removals; the API validates the entries, the CHECK bounds what a client could store at all.
ALTER TABLE organisations
    ADD COLUMN local_holidays jsonb NOT NULL DEFAULT '[]'
        CHECK (jsonb_typeof(local_holidays) = 'array' AND jsonb_array_length(local_holidays) <= 20);
