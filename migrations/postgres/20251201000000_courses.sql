-- Courses become authored content: categories, a teacher and a life cycle per course, modules and
-- lessons with their Markdown sources and sanitised HTML, uploaded media, enrollments and reviews.
-- Kept column-for-column equal to migrations/sqlite (a test compares them).
--
-- The courses rows before this migration were placeholder cards without a teacher or lessons (only
-- the demo loader ever wrote them); they are dropped, and the demo loader imports real courses.
--
-- Counters on courses (lesson_count, estimated_minutes, enrollment_count, rating_count,
-- rating_sum) are derived data kept in the same transaction as the rows they count, so listings
-- and sorts read one row per course.

CREATE TABLE categories (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name_en    TEXT    NOT NULL,
    name_ru    TEXT    NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Uploaded images, stored by the storage interface under `hash` (SHA-256 hex of the bytes).
CREATE TABLE media (
    hash         TEXT    NOT NULL PRIMARY KEY,
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    bytes        INTEGER NOT NULL CHECK (bytes > 0),
    uploaded_by  TEXT    REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_uploaded_by ON media (uploaded_by);

DROP TABLE courses;
CREATE TABLE courses (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    slug              TEXT    NOT NULL UNIQUE,
    teacher_id        TEXT    NOT NULL REFERENCES users (id),
    category_id       TEXT    REFERENCES categories (id),
    title             TEXT    NOT NULL,
    subtitle          TEXT    NOT NULL DEFAULT '',
    -- Markdown source, and what every client receives: rendered and sanitised when saved.
    description       TEXT    NOT NULL DEFAULT '',
    description_html  TEXT    NOT NULL DEFAULT '',
    language          TEXT    NOT NULL CHECK (language IN ('en', 'ru')),
    level             TEXT    NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    cover_hash        TEXT    REFERENCES media (hash),
    -- 0 and NULL currency: free. Otherwise an amount in the currency's minor unit.
    price_minor       INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    currency          TEXT    CHECK (currency IS NULL OR length(currency) = 3),
    status            TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    estimated_minutes INTEGER NOT NULL DEFAULT 0 CHECK (estimated_minutes >= 0),
    lesson_count      INTEGER NOT NULL DEFAULT 0 CHECK (lesson_count >= 0),
    enrollment_count  INTEGER NOT NULL DEFAULT 0 CHECK (enrollment_count >= 0),
    rating_count      INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    rating_sum        INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
    -- rating_sum * 100 / rating_count, rounded down; 0 without reviews. Indexed for "top rated".
    rating_centi      INTEGER NOT NULL DEFAULT 0 CHECK (rating_centi >= 0),
    -- Grows by one with every saved edit: the editor's autosave check and outline conflicts.
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    published_at      TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX courses_teacher ON courses (teacher_id);
CREATE INDEX courses_category ON courses (category_id);
CREATE INDEX courses_cover ON courses (cover_hash);
-- The catalog's sorts, each over published courses with the id as tie-breaker (cursor order).
CREATE INDEX courses_newest ON courses (status, published_at, id);
CREATE INDEX courses_top_rated ON courses (status, rating_centi, rating_count, id);
CREATE INDEX courses_most_enrolled ON courses (status, enrollment_count, id);

CREATE TABLE course_modules (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- 0-based order within the course; rewritten whole by a reorder.
    position   INTEGER NOT NULL CHECK (position >= 0),
    title      TEXT    NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_modules_course ON course_modules (course_id, position);

CREATE TABLE lessons (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    course_id         TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    module_id         TEXT    NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    -- 0-based order within the module.
    position          INTEGER NOT NULL CHECK (position >= 0),
    title             TEXT    NOT NULL,
    body              TEXT    NOT NULL DEFAULT '',
    body_html         TEXT    NOT NULL DEFAULT '',
    video_url         TEXT,
    estimated_minutes INTEGER NOT NULL DEFAULT 5 CHECK (estimated_minutes > 0),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX lessons_course ON lessons (course_id);
CREATE INDEX lessons_module ON lessons (module_id, position);

CREATE TABLE enrollments (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX enrollments_course ON enrollments (course_id);
-- "My learning", most recent first.
CREATE INDEX enrollments_user_recent ON enrollments (user_id, created_at);

CREATE TABLE course_reviews (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body       TEXT    NOT NULL DEFAULT '',
    reply      TEXT,
    replied_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, user_id)
);
-- Newest first per course (ids are v7: id order is creation order).
CREATE INDEX course_reviews_course ON course_reviews (course_id, id);
CREATE INDEX course_reviews_user ON course_reviews (user_id);
