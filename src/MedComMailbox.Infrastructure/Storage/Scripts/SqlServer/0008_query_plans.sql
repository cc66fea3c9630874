-- 0008: indexes so that every statement on the intake, outbox, triage and inbox paths seeks (issue 14, ADR 0014).
-- The same indexes as the SQLite script; see there for why.
DROP INDEX ix_messages_bundle ON messages;
CREATE INDEX ix_messages_bundle_direction ON messages (bundle_id, direction, message_id);
DROP INDEX ix_messages_message_id ON messages;
CREATE INDEX ix_messages_message_direction ON messages (message_id, direction, received_at);

DROP INDEX ix_messages_predecessor ON messages;
CREATE INDEX ix_messages_predecessor ON messages (predecessor_ref) WHERE predecessor_ref IS NOT NULL;

CREATE INDEX ix_messages_received ON messages (received_at);
CREATE INDEX ix_letters_created ON letters (created_at);
