-- Notifications: the mail outbox, the dev mailbox and in-app notifications. Kept column-for-column
-- equal to migrations/sqlite (a test compares them).
--
-- No foreign key to users: notify::forget_user deletes a user's rows explicitly, and mail to an
-- address without an account (someone tried to register with it) has no user at all.
-- Scheduling times (due_at_ms, locked_until_ms) are Unix epoch milliseconds, UTC, as BIGINT: both
-- backends compare them as numbers. Ids are UUID v7 TEXT COLLATE "C", ordered bytewise as on SQLite.

-- Mail rendered at enqueue time, sent by the background worker (notify::worker).
CREATE TABLE outbox (
    id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id         TEXT,
    to_email        TEXT        NOT NULL,
    to_name         TEXT        NOT NULL,
    locale          TEXT        NOT NULL CHECK (locale IN ('en', 'ru')),
    template        TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    body_text       TEXT        NOT NULL,
    body_html       TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    due_at_ms       BIGINT      NOT NULL,
    locked_until_ms BIGINT,
    claim_id        TEXT,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (status, due_at_ms);
CREATE INDEX outbox_user ON outbox (user_id);

-- What the dev-mailbox transport delivered (no SMTP configured): read by /api/dev/mailbox.
CREATE TABLE dev_mailbox (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    outbox_id  TEXT        NOT NULL,
    user_id    TEXT,
    to_email   TEXT        NOT NULL,
    subject    TEXT        NOT NULL,
    body_text  TEXT        NOT NULL,
    body_html  TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dev_mailbox_to ON dev_mailbox (to_email, id);
CREATE INDEX dev_mailbox_user ON dev_mailbox (user_id);

-- In-app notifications (the bell), rendered in the user's language when created.
CREATE TABLE notifications (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id    TEXT        NOT NULL,
    kind       TEXT        NOT NULL,
    title      TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    link       TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);
