-- Issue 13 point 6: the time limits of Regulation (EU) 2025/2518 Art. 4 on the authority a complaint is lodged with
-- (gdpr_proc.admissibility, Art. 4(2); gdpr_proc.transmission, Art. 4), for complaints lodged from 2 April 2027 (Art. 37).
-- The list is 0020's with the two added: a migration of another slice that adds rules must keep these.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_rule_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_rule_check CHECK (rule IN (
    'bgb.letter_response', 'gdpr.art12_3', 'gdpr.art78_2', 'gdpr.art78_appeal',
    'uwg.urgency_window', 'uwg.limitation_11', 'zpo.appeal_517', 'zpo.appeal_grounds_520_2', 'zpo.enforcement_929_2',
    'vwgo.action_74', 'vdug.register_closing_46',
    'gdpr_proc.admissibility', 'gdpr_proc.transmission'));
