-- Issue 16: PostgreSQL planned the counters' apply statements anew at every commit. Their parameters are arrays (the
-- cases a transaction touched), and for "id = ANY ($1)" or "unnest($1)" a generic plan assumes ten elements where a
-- custom plan sees the one a send touches, so the plan cache judged the custom plan cheaper every time and never
-- reused one. Planning the lock and the two updates took 620 µs of a send's 3.4 ms of PostgreSQL's CPU, executing
-- them 235 µs (pg_stat_statements with track_planning, the load benchmark's quick data set: 1,431 plans for 1,415
-- calls of each). The generic plans are the ones a custom plan picks anyway (index probes of cases by organisation and
-- id, and of deadlines_open_by_case), and they stay right for a sweep batch of thousands of cases: a nested loop of
-- probes, one a case. A SET clause holds for the function's statements only; the transaction-local settings the
-- function changes (the organisation it enters, the arming) are other parameters and outlive it as before.
ALTER FUNCTION jobs.apply_case_counter_changes() SET plan_cache_mode = force_generic_plan;
