-- The course catalog. Kept column-for-column equal to migrations/sqlite (a test compares them).
--
-- Ids: UUID v7 stored as TEXT (lowercase, hyphenated) on both backends, so the same value and the
-- same SQL work everywhere. v7 ids grow with creation time, so ordering by id is ordering by age,
-- and a cursor over ids is stable. COLLATE "C" makes that order bytewise, as on SQLite.
-- Times: UTC, TIMESTAMPTZ (SQLite stores RFC 3339 TEXT; both decode to chrono DateTime<Utc>).
CREATE TABLE courses (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    slug              TEXT        NOT NULL UNIQUE,
    title             TEXT        NOT NULL,
    subtitle          TEXT        NOT NULL DEFAULT '',
    description       TEXT        NOT NULL DEFAULT '',
    language          TEXT        NOT NULL CHECK (language IN ('en', 'ru')),
    level             TEXT        NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    estimated_minutes INTEGER     NOT NULL CHECK (estimated_minutes >= 0),
    -- Stored for now; derived from the lessons table once lessons exist.
    lesson_count      INTEGER     NOT NULL DEFAULT 0 CHECK (lesson_count >= 0),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
