-- Full-text search over published courses and their lessons (sync-server/src/search).
-- Kept column-for-column equal to migrations/sqlite (a test compares them); the full-text index
-- itself differs by engine: here a tsvector column with GIN, there an FTS5 table over `terms`.
--
-- Words are stemmed in Rust before they reach the database, so `terms` is built with the 'simple'
-- configuration (lowercase, no stemming, no stop words) from stems separated by spaces.

-- One row per published course (lesson_id NULL) and per lesson of a published course.
CREATE TABLE search_documents (
    id        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id TEXT    REFERENCES lessons (id) ON DELETE CASCADE,
    language  TEXT    NOT NULL CHECK (language IN ('en', 'ru')),
    -- Plain text (no markup), for hits and their snippets.
    title     TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    -- The stems of the title (repeated, to weigh more) and of the body.
    terms     TSVECTOR NOT NULL
);
CREATE INDEX search_documents_course ON search_documents (course_id);
CREATE INDEX search_documents_lesson ON search_documents (lesson_id);
CREATE INDEX search_documents_terms ON search_documents USING GIN (terms);

-- Every stem ever indexed, and its trigrams: a misspelt query word is matched to the stems that
-- share most of its trigrams (then checked by edit distance in Rust). Only grows. Plain tables
-- rather than pg_trgm, so both engines expand a typo to the same stems.
CREATE TABLE search_terms (
    term TEXT NOT NULL PRIMARY KEY
);
CREATE TABLE search_term_trigrams (
    trigram TEXT NOT NULL,
    term    TEXT NOT NULL,
    PRIMARY KEY (trigram, term)
);
