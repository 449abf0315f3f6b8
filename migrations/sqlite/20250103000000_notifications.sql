-- Notifications: the mail outbox, the dev mailbox and in-app notifications. Kept column-for-column
-- equal to migrations/postgres (a test compares them).
--
-- No foreign key to users: notify::forget_user deletes a user's rows explicitly, and mail to an
-- address without an account (someone tried to register with it) has no user at all.
-- Scheduling times (due_at_ms, locked_until_ms) are Unix epoch milliseconds, UTC, as INTEGER: both
-- backends compare them as numbers, whatever text format a driver gives timestamps.

-- Mail rendered at enqueue time, sent by the background worker (notify::worker).
CREATE TABLE outbox (
    id              TEXT    NOT NULL PRIMARY KEY,          -- UUID v7
    user_id         TEXT,                                  -- NULL: no account behind the address
    to_email        TEXT    NOT NULL,
    to_name         TEXT    NOT NULL,
    locale          TEXT    NOT NULL CHECK (locale IN ('en', 'ru')),
    template        TEXT    NOT NULL,                      -- which Template, for logs and metrics
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at_ms       INTEGER NOT NULL,                      -- next attempt not before this
    locked_until_ms INTEGER,                               -- a worker's lease; expired = claimable
    claim_id        TEXT,                                  -- which claim holds the lease
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, due_at_ms);
CREATE INDEX outbox_user ON outbox (user_id);

-- What the dev-mailbox transport delivered (no SMTP configured): read by /api/dev/mailbox.
CREATE TABLE dev_mailbox (
    id         TEXT NOT NULL PRIMARY KEY,                  -- UUID v7
    outbox_id  TEXT NOT NULL,
    user_id    TEXT,
    to_email   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body_text  TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX dev_mailbox_to ON dev_mailbox (to_email, id);
CREATE INDEX dev_mailbox_user ON dev_mailbox (user_id);

-- In-app notifications (the bell), rendered in the user's language when created.
CREATE TABLE notifications (
    id         TEXT NOT NULL PRIMARY KEY,                  -- UUID v7: ordering by id is by age
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
