-- Identity hardening. Kept column-for-column equal to migrations/postgres (a test compares them).
--
-- Mail whose text would hold a secret (a link with a single-use token) is composed when it is
-- sent, never when it is queued: `deferred` holds what to compose (JSON: the kind and the account
-- or address it is for), the worker makes the token at that moment, and neither the outbox nor any
-- other table ever holds the link. Such rows have empty subject and bodies.
ALTER TABLE outbox ADD COLUMN deferred TEXT;
-- The retention sweep deletes sent and failed mail by age.
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX dev_mailbox_created ON dev_mailbox (created_at);

-- Browsers that signed in to an account before (the device cookie; only its SHA-256 is stored).
-- Their sign-in attempts are limited apart from strangers', so nobody can lock the owner out.
CREATE TABLE known_devices (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX known_devices_user_id ON known_devices (user_id);
CREATE INDEX known_devices_expires_at ON known_devices (expires_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX account_tokens_expires_at ON account_tokens (expires_at);
