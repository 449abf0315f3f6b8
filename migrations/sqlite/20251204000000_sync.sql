-- Learner documents (Automerge, see README "Sync") and what the server derives from them. Kept
-- column-for-column equal to migrations/postgres (a test compares them).
--
-- A document is its last snapshot (`save()`) plus the incremental chunks (`save_after`) appended
-- by each accepted sync message since; loading is snapshot then chunks in `seq` order. Past a
-- threshold the chunks are folded into a new snapshot in the same transaction (sync::storage).
-- bytes_total: snapshot plus chunks, what the size limit is measured on.
-- version: grows by one with every accepted message; a process's cached copy of the document is
-- current only while it holds the version read under the row's lock.
CREATE TABLE sync_docs (
    doc_id         TEXT    NOT NULL PRIMARY KEY,           -- profile-{user} / progress-{user}-{course}
    user_id        TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id      TEXT    REFERENCES courses (id) ON DELETE CASCADE,  -- progress docs only
    snapshot       BLOB    NOT NULL,
    snapshot_heads BLOB    NOT NULL,                       -- the snapshot's heads, 32 bytes each
    bytes_total    INTEGER NOT NULL DEFAULT 0 CHECK (bytes_total >= 0),
    changes_count  INTEGER NOT NULL DEFAULT 0 CHECK (changes_count >= 0),
    version        INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX sync_docs_user ON sync_docs (user_id);
CREATE INDEX sync_docs_course ON sync_docs (course_id);

-- The chunks appended since the snapshot; seq is the doc's version that appended it.
CREATE TABLE sync_changes (
    doc_id TEXT    NOT NULL REFERENCES sync_docs (doc_id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BLOB    NOT NULL,
    PRIMARY KEY (doc_id, seq)
);

-- The Automerge sync state (`sync::State::encode()`) of each device that synced a document.
CREATE TABLE sync_states (
    doc_id     TEXT NOT NULL REFERENCES sync_docs (doc_id) ON DELETE CASCADE,
    device_id  TEXT NOT NULL,
    state      BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, device_id)
);

-- Read models of progress documents: a lesson's first completion by a learner, and the moment a
-- learner had completed every lesson of a course (recorded once, never rewritten).
CREATE TABLE lesson_completions (
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id    TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id    TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX lesson_completions_course ON lesson_completions (user_id, course_id);

CREATE TABLE course_completions (
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id    TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX course_completions_course ON course_completions (course_id);
