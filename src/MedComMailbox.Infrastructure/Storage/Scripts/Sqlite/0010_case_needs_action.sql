-- 0010 (issue 16): refused, withdrawn and expired consent are distinct case states, and such a case stays on the
-- "kræver handling" list until a person closes it (handled_at, Unix milliseconds UTC). The one state "Stopped" of
-- earlier versions is split by its closed_reason, in the column and in the snapshot's JSON.
ALTER TABLE cases ADD COLUMN handled_at INTEGER NULL;

UPDATE cases SET state = 'ConsentRefused', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentRefused"')
WHERE state = 'Stopped' AND closed_reason = 'consent refused';
UPDATE cases SET state = 'ConsentWithdrawn', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentWithdrawn"')
WHERE state = 'Stopped' AND closed_reason = 'consent withdrawn';
UPDATE cases SET state = 'ConsentExpired', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentExpired"')
WHERE state = 'Stopped';

CREATE INDEX ix_cases_needs_action ON cases (state, handled_at);
