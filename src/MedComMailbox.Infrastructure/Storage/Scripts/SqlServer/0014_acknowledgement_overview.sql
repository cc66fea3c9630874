-- 0014: the acknowledgement overview (issue 15). The same index as the SQLite script; see there for why.
CREATE INDEX ix_messages_direction_received ON messages (direction, received_at);
