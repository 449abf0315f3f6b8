-- Lesson quizzes (issue 18). Kept column-for-column equal to migrations/postgres (a test compares
-- them).
--
-- The teacher edits a working copy (`quizzes` + `quiz_questions`); publishing snapshots its
-- accepted questions as an immutable `quiz_versions` row that learners get with the lesson.
-- question: the `shared::quiz::Question` as JSON (kind, its fields, explanation); its id is
-- stable across versions so statistics follow it.
CREATE TABLE quizzes (
    lesson_id  TEXT    NOT NULL PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    pass_mark  INTEGER NOT NULL DEFAULT 70 CHECK (pass_mark BETWEEN 0 AND 100),
    updated_at TEXT    NOT NULL
);
CREATE INDEX quizzes_course ON quizzes (course_id);

-- draft: suggested (AI, offline generator) and not yet accepted; never published.
-- source: teacher / ai / offline.
CREATE TABLE quiz_questions (
    id         TEXT    NOT NULL PRIMARY KEY,
    lesson_id  TEXT    NOT NULL REFERENCES quizzes (lesson_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    question   TEXT    NOT NULL,
    draft      BOOLEAN NOT NULL,
    source     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX quiz_questions_lesson ON quiz_questions (lesson_id, position);

-- questions: a JSON array of `Question`, in order, as learners got them.
CREATE TABLE quiz_versions (
    lesson_id  TEXT    NOT NULL REFERENCES quizzes (lesson_id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    pass_mark  INTEGER NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    questions  TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (lesson_id, version)
);

-- Read model of `quiz_attempt` events (sync::projections): one row per attempt event, scored on
-- the server against the version the attempt names (the device's own score is never trusted).
-- results: a JSON object from question id to whether it was answered right.
CREATE TABLE quiz_attempts (
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id      TEXT    NOT NULL,
    course_id     TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id     TEXT    NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct >= 0),
    total         INTEGER NOT NULL CHECK (total >= 0),
    score_percent INTEGER NOT NULL CHECK (score_percent BETWEEN 0 AND 100),
    passed        BOOLEAN NOT NULL,
    results       TEXT    NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    attempted_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX quiz_attempts_lesson ON quiz_attempts (lesson_id, user_id);
