-- Issue 16 point 3: what marking a deadline missed writes. The update changes `status`, which indexes name, so it cannot
-- be HOT: every index whose predicate the new row meets gets an entry, mostly on a leaf page of its own among a million.

-- The chains' index served two readers of open deadlines by rule (UrgencyWindowRisk, the cease-and-desist outcomes) and the
-- chains, which end running ones; missed and escalated rows gave every sweep update one more index entry. Open rows only: the
-- sweep's update leaves it alone, and ending a chain reads the case's few deadlines through deadlines_by_case.
DROP INDEX deadlines_by_case_rule;
CREATE INDEX deadlines_open_by_case_rule ON deadlines (organisation_id, case_id, rule) WHERE status = 'open';

-- Room on each page for a changed row, so that an update that names no indexed column (the due-soon warning) is HOT, and one
-- that does keeps the new row on the page it read. Applies to pages written from now on.
ALTER TABLE deadlines SET (fillfactor = 90);
