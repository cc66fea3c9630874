-- 0006: reconciliation (issue 12). The sweep looks for accepted inbound messages still not routed; the filtered index
-- holds only those, so it stays tiny however many messages are kept.
CREATE INDEX ix_messages_unrouted ON messages (received_at) WHERE routed_at IS NULL AND direction = N'in';

-- One row per drift episode: opened when the drift reaches Reconciliation:AlertThreshold, closed when it falls
-- below. The failure webhook announces each episode once (alerts_sent). Counts only, no personal data.
CREATE TABLE reconciliation_episodes (
    id         NVARCHAR(36)   NOT NULL,
    started_at BIGINT         NOT NULL,
    ended_at   BIGINT         NULL,
    peak       BIGINT         NOT NULL,
    CONSTRAINT pk_reconciliation_episodes PRIMARY KEY (id)
);
CREATE INDEX ix_reconciliation_episodes_open ON reconciliation_episodes (ended_at);
