-- 0008: indexes so that every statement on the intake, outbox, triage and inbox paths seeks (issue 14, ADR 0014).
-- Checked by QueryPlanTests, which explains the statements the running host issues on a populated database.

-- "Bundle id reused" (every intake) and acknowledgement matching filter on direction plus an id. With one-column
-- indexes on the id, SQLite without statistics took ix_messages_pending_ack (direction=?) and read every received
-- (or every sent) message. An index that leads with the id and also holds direction is chosen with or without
-- statistics; the bundle one covers its COUNT, the message one also gives the ORDER BY received_at.
DROP INDEX ix_messages_bundle;
CREATE INDEX ix_messages_bundle_direction ON messages (bundle_id, direction, message_id);
DROP INDEX ix_messages_message_id;
CREATE INDEX ix_messages_message_direction ON messages (message_id, direction, received_at);

-- Most messages name no predecessor: with the NULLs in the index, ANALYZE makes predecessor_ref look unselective and
-- the orphan lookup of every stored message scans the table. Only the non-NULL values are indexed.
DROP INDEX ix_messages_predecessor;
CREATE INDEX ix_messages_predecessor ON messages (predecessor_ref) WHERE predecessor_ref IS NOT NULL;

-- Retention takes the oldest rows in batches of 500, by age.
CREATE INDEX ix_messages_received ON messages (received_at);
CREATE INDEX ix_letters_created ON letters (created_at);
