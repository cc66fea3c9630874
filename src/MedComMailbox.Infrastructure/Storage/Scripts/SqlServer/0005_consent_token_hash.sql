-- 0005: a consent link's token is never stored, only its hash (consent_tokens.token_hash). Letters queued before this
-- script kept the whole link in letters.action_url and in the rendered body; the link is replaced by the placeholder the
-- letter dispatcher fills at send time (a fresh token, hashed), and action_url is emptied. Tokens already sent stay
-- usable: their hashes are untouched.
UPDATE letters
SET body = REPLACE(body, action_url, '{{consentLink}}'),
    action_url = NULL
WHERE action_url IS NOT NULL;
