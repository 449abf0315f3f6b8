-- The course catalog. Kept column-for-column equal to migrations/postgres (a test compares them).
--
-- Ids: UUID v7 stored as TEXT (lowercase, hyphenated) on both backends. v7 ids grow with creation
-- time, so ordering by id is ordering by age, and a cursor over ids is stable.
-- Times: UTC. SQLite has no time type: RFC 3339 TEXT, which decodes to chrono DateTime<Utc> just as
-- PostgreSQL's TIMESTAMPTZ does.
CREATE TABLE courses (
    id                TEXT    NOT NULL PRIMARY KEY,
    slug              TEXT    NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    subtitle          TEXT    NOT NULL DEFAULT '',
    description       TEXT    NOT NULL DEFAULT '',
    language          TEXT    NOT NULL CHECK (language IN ('en', 'ru')),
    level             TEXT    NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    estimated_minutes INTEGER NOT NULL CHECK (estimated_minutes >= 0),
    -- Stored for now; derived from the lessons table once lessons exist.
    lesson_count      INTEGER NOT NULL DEFAULT 0 CHECK (lesson_count >= 0),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
