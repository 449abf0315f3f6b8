-- The Socratic tutor (issue 21; sync-server/src/tutor). Kept column-for-column equal to
-- the other engine's (a test compares them).
--
-- A learner's conversations about one lesson. Only its owner reads it; deleting it deletes its
-- messages and their ratings (and so their place in the teacher's insights). Part of the account
-- export; gone with the account.
-- title: the first question, cut to 80 characters. next_position: where its next message goes
-- (a question reserves its reply's place too).
CREATE TABLE tutor_conversations (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id     TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id     TEXT    NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    next_position INTEGER NOT NULL DEFAULT 0 CHECK (next_position >= 0),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX tutor_conversations_user_lesson ON tutor_conversations (user_id, lesson_id, updated_at);
CREATE INDEX tutor_conversations_course ON tutor_conversations (course_id);

-- position: 0-based order in the conversation. citations: JSON list of shared::api::tutor::Citation.
-- status 'incomplete': a reply the provider failed in, or the learner stopped (kept, retryable).
-- guarded: the guard replaced a reply that gave a quiz answer away with a hint.
-- prompt_version: the tutor prompt's version that wrote a reply (NULL for a learner's message
-- and the offline tutor's).
CREATE TABLE tutor_messages (
    id               TEXT    NOT NULL PRIMARY KEY,
    conversation_id  TEXT    NOT NULL REFERENCES tutor_conversations (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL CHECK (position >= 0),
    author           TEXT    NOT NULL CHECK (author IN ('learner', 'tutor')),
    text             TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('complete', 'incomplete')),
    citations        TEXT    NOT NULL DEFAULT '[]',
    guarded          BOOLEAN NOT NULL DEFAULT FALSE,
    made_without_llm BOOLEAN NOT NULL DEFAULT FALSE,
    prompt_version   INTEGER,
    created_at       TEXT    NOT NULL,
    UNIQUE (conversation_id, position)
);

-- A learner's rating of one tutor reply (one per reply; changing it replaces it).
CREATE TABLE tutor_feedback (
    message_id TEXT NOT NULL PRIMARY KEY REFERENCES tutor_messages (id) ON DELETE CASCADE,
    rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment    TEXT,
    updated_at TEXT NOT NULL
);
