-- 0014: the acknowledgement overview (issue 15) lists received or sent messages newest first, a page at a time. With
-- only ix_messages_pending_ack leading with direction, SQLite would seek direction alone and sort every received (or
-- every sent) message; this index gives direction and the order together. Checked by QueryPlanTests.
CREATE INDEX ix_messages_direction_received ON messages (direction, received_at);
