-- Lesson discussions (issue 20, part 7). Kept column-for-column equal between sqlite and postgres
-- (a test compares them). A thread is a post without a parent; replies are one level deep (the
-- parent is always a thread's first post). A deleted post keeps its row (body cleared) so that the
-- replies under a deleted first post keep their thread and the rate limit still counts it.
CREATE TABLE lesson_posts (
    id               TEXT    NOT NULL PRIMARY KEY,
    lesson_id        TEXT    NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id        TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    parent_id        TEXT    REFERENCES lesson_posts (id) ON DELETE CASCADE,
    author_id        TEXT    REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    pinned           BOOLEAN NOT NULL DEFAULT FALSE,
    hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    -- On a thread's first post: the reply the course's teacher (or an admin) marked as the answer.
    answer_id        TEXT,
    -- On a thread's first post: when it or its last reply was written (threads sort by it).
    last_activity_at TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    edited_at        TEXT,
    deleted_at       TEXT
);
CREATE INDEX lesson_posts_threads ON lesson_posts (lesson_id, parent_id);
CREATE INDEX lesson_posts_parent ON lesson_posts (parent_id);
-- The rate limit counts an author's recent posts.
CREATE INDEX lesson_posts_author ON lesson_posts (author_id, created_at);

-- Reports of posts, listed for the course's teacher and admins; one per post and reporter.
CREATE TABLE post_reports (
    id          TEXT NOT NULL PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES lesson_posts (id) ON DELETE CASCADE,
    course_id   TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (post_id, reporter_id)
);
CREATE INDEX post_reports_course ON post_reports (course_id, id);

-- Replies a participant has not seen yet, for their daily digest mail: added when the reply is
-- written, removed when they open the lesson's discussion or the digest lists them.
CREATE TABLE post_digest_entries (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    TEXT NOT NULL REFERENCES lesson_posts (id) ON DELETE CASCADE,
    lesson_id  TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX post_digest_entries_lesson ON post_digest_entries (lesson_id);

-- discussion_digest: false once the user turned the daily digest of replies off (account page).
ALTER TABLE users ADD COLUMN discussion_digest BOOLEAN NOT NULL DEFAULT TRUE;
