-- 0018: the acknowledgement overview (issue 15) lists every acknowledgement a message we sent received (a
-- transient-error before its ok), not only the latest, which is all the sent message's own row keeps (ack_code). So an
-- acknowledgement we receive keeps the code it carries on its own row (ack_code on an inbound row is the code we answered
-- with, and acknowledgements are never answered). Rows stored before this have no code; the overview says so.
-- Looked up by the MedCom id they answer; only acknowledgements carry that column, so the index is partial.
-- Checked by QueryPlanTests.
ALTER TABLE messages ADD COLUMN acknowledgement_code TEXT NULL;
CREATE INDEX ix_messages_acknowledged ON messages (acknowledged_message_id, direction) WHERE acknowledged_message_id IS NOT NULL;
