-- 0004: the failure webhook remembers what it has announced, so each failure is posted once although it is found by
-- polling (letters.status, messages.status) and several workers may poll. No personal data: kinds and row ids.
CREATE TABLE alerts_sent (
    kind       NVARCHAR(32)   NOT NULL,
    target_id  NVARCHAR(36)   NOT NULL,
    claimed_at BIGINT         NOT NULL,
    sent_at    BIGINT         NULL,
    CONSTRAINT pk_alerts_sent PRIMARY KEY (kind, target_id)
);
