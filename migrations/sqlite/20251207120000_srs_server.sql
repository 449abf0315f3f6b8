-- Spaced repetition on the server (issue 19): read models of the learner documents' cards and
-- review log, reminder settings and the reminders claimed, and the key that signs unsubscribe
-- links. Kept column-for-column equal to migrations/postgres (a test compares them).

-- Reminder settings. The time zone is the account's own `time_zone`.
-- reminder_hour: the local hour (0-23) a "cards are due" reminder may come at.
-- card_reminders: false once the learner opted out (in the account page or by the mail's link).
ALTER TABLE users ADD COLUMN reminder_hour INTEGER NOT NULL DEFAULT 18 CHECK (reminder_hour BETWEEN 0 AND 23);
ALTER TABLE users ADD COLUMN card_reminders BOOLEAN NOT NULL DEFAULT TRUE;

-- The `List-Unsubscribe` address of a mail that has one (reminders), as the dev mailbox shows it.
ALTER TABLE dev_mailbox ADD COLUMN list_unsubscribe TEXT;

-- srs_cards: one row per card of a learner document (sync::projections::cards), recomputed from
-- the document's events with `shared::doc::cards` after each change that touches cards.
-- course_id: the progress document's course; NULL for the profile document's own cards.
-- due_ms: when it is due, milliseconds since the Unix epoch (UTC).
CREATE TABLE srs_cards (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    doc_id     TEXT    NOT NULL,
    card_id    TEXT    NOT NULL,
    course_id  TEXT    REFERENCES courses (id) ON DELETE CASCADE,
    due_ms     INTEGER NOT NULL,
    phase      TEXT    NOT NULL CHECK (phase IN ('learning', 'review', 'relearning')),
    suspended  BOOLEAN NOT NULL,
    deleted    BOOLEAN NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, doc_id, card_id)
);
CREATE INDEX srs_cards_due ON srs_cards (user_id, due_ms);

-- srs_reviews: the synced review log, one row per `card_reviewed` event that counted (a rating
-- outside 1-4 or a review dated more than 24 h ahead of the server's clock is logged and left out).
CREATE TABLE srs_reviews (
    user_id        TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id       TEXT    NOT NULL,
    doc_id         TEXT    NOT NULL,
    card_id        TEXT    NOT NULL,
    reviewed_at_ms INTEGER NOT NULL,
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX srs_reviews_time ON srs_reviews (user_id, reviewed_at_ms);

-- card_reminders: the "cards are due" reminder of one user on one local date, claimed in the
-- transaction that queues it: the primary key makes a second one, from any process, impossible.
CREATE TABLE card_reminders (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    local_date TEXT    NOT NULL,                      -- YYYY-MM-DD in the user's time zone
    due_count  INTEGER NOT NULL CHECK (due_count >= 0),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, local_date)
);

-- server_keys: random keys the server makes once and every process shares (the one that signs
-- unsubscribe links). Never sent anywhere.
CREATE TABLE server_keys (
    name       TEXT NOT NULL PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
