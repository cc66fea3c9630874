-- 0018: the acknowledgement overview (issue 15): the code an acknowledgement we receive carries, and a filtered index
-- to find the acknowledgements of a message we sent. The same as the SQLite script; see there for why.
ALTER TABLE messages ADD acknowledgement_code NVARCHAR(32) NULL;
GO
CREATE INDEX ix_messages_acknowledged ON messages (acknowledged_message_id, direction) WHERE acknowledged_message_id IS NOT NULL;
