-- 0010 (issue 16): refused, withdrawn and expired consent are distinct case states; handled_at takes a case off the
-- "kræver handling" list. The same as the SQLite script; see there for why.
ALTER TABLE cases ADD handled_at BIGINT NULL;

UPDATE cases SET state = 'ConsentRefused', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentRefused"')
WHERE state = 'Stopped' AND closed_reason = 'consent refused';
UPDATE cases SET state = 'ConsentWithdrawn', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentWithdrawn"')
WHERE state = 'Stopped' AND closed_reason = 'consent withdrawn';
UPDATE cases SET state = 'ConsentExpired', snapshot = REPLACE(snapshot, '"state":"Stopped"', '"state":"ConsentExpired"')
WHERE state = 'Stopped';
