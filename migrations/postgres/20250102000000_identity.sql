-- Accounts, sessions, single-use mail tokens, teacher applications and the security audit log.
-- Kept column-for-column equal to migrations/sqlite (a test compares them). Ids are UUID v7 TEXT
-- (COLLATE "C" so id order is age order, as on SQLite), times TIMESTAMPTZ in UTC.
--
-- A deleted account stays as a tombstone: email, email_key, password_hash and display_name become
-- NULL and deleted_at is set, so anonymous aggregates that point at the id keep their meaning.
CREATE TABLE users (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    -- As typed, domain lowercased; NULL once deleted.
    email             TEXT,
    -- The whole address lowercased: what sign-in and uniqueness compare.
    email_key         TEXT UNIQUE,
    -- Argon2id PHC string; NULL once deleted.
    password_hash     TEXT,
    display_name      TEXT,
    role              TEXT        NOT NULL DEFAULT 'student' CHECK (role IN ('student', 'teacher', 'admin')),
    locale            TEXT        NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ru')),
    time_zone         TEXT        NOT NULL DEFAULT 'UTC',
    email_verified_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    deleted_at        TIMESTAMPTZ
);

-- One row per signed-in browser or device. Only the SHA-256 of the token is stored.
CREATE TABLE sessions (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id      TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT,
    ip           TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Single-use tokens sent by mail (verify an address, reset a password, confirm a new address).
-- Consumed by deleting the row, so a token works once even when two requests race.
CREATE TABLE account_tokens (
    token_hash TEXT        NOT NULL PRIMARY KEY,
    user_id    TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    -- The address a change_email token confirms.
    new_email  TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX account_tokens_user_id ON account_tokens (user_id);

CREATE TABLE teacher_applications (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id          TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    bio              TEXT        NOT NULL,
    subject          TEXT        NOT NULL,
    link             TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    rejection_reason TEXT,
    decided_by       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    decided_at       TIMESTAMPTZ
);
-- At most one pending application per user.
CREATE UNIQUE INDEX teacher_applications_one_pending ON teacher_applications (user_id)
    WHERE status = 'pending';
CREATE INDEX teacher_applications_status ON teacher_applications (status, id);

-- Security events. user_id is NULL when no account matched (a failed sign-in for an unknown
-- address). Kept after an account is deleted, with ip and user_agent cleared.
CREATE TABLE audit_log (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id    TEXT,
    event      TEXT        NOT NULL,
    ip         TEXT,
    user_agent TEXT,
    detail     TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_user_id ON audit_log (user_id);
