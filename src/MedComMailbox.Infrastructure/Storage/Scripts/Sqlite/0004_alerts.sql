-- 0004: the failure webhook remembers what it has announced, so each failure is posted once although it is found by
-- polling (letters.status, messages.status) and several workers may poll. No personal data: kinds and row ids.
CREATE TABLE alerts_sent (
    kind       TEXT    NOT NULL,                        -- letter-failed | outbound-flagged | message-rejected
    target_id  TEXT    NOT NULL,                        -- letters.id or messages.id
    claimed_at INTEGER NOT NULL,                        -- a process took it (a stale claim is taken over)
    sent_at    INTEGER NULL,                            -- the webhook answered 2xx
    PRIMARY KEY (kind, target_id)
);
