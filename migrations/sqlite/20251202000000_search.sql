-- Full-text search over published courses and their lessons (sync-server/src/search).
-- Kept column-for-column equal to migrations/postgres (a test compares them); the full-text index
-- itself differs by engine: here an FTS5 table over `terms`, there a tsvector column with GIN.
--
-- Words are stemmed in Rust before they reach the database, so `terms` holds stems separated by
-- spaces and neither engine stems anything itself.

-- One row per published course (lesson_id NULL) and per lesson of a published course.
CREATE TABLE search_documents (
    id        INTEGER NOT NULL PRIMARY KEY,
    course_id TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id TEXT    REFERENCES lessons (id) ON DELETE CASCADE,
    language  TEXT    NOT NULL CHECK (language IN ('en', 'ru')),
    -- Plain text (no markup), for hits and their snippets.
    title     TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    -- The stems of the title (repeated, to weigh more) and of the body.
    terms     TEXT    NOT NULL
);
CREATE INDEX search_documents_course ON search_documents (course_id);
CREATE INDEX search_documents_lesson ON search_documents (lesson_id);

-- The full-text index of search_documents (external content: it stores only the index). The
-- language is indexed too so a language filter narrows the match before its LIMIT.
CREATE VIRTUAL TABLE search_documents_fts USING fts5 (
    terms, language,
    content = 'search_documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
-- Kept in step by triggers, which also run for rows that cascade away with their course.
CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_documents_fts (rowid, terms, language) VALUES (new.id, new.terms, new.language);
END;
CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_documents_fts (search_documents_fts, rowid, terms, language)
    VALUES ('delete', old.id, old.terms, old.language);
END;
CREATE TRIGGER search_documents_fts_update AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_documents_fts (search_documents_fts, rowid, terms, language)
    VALUES ('delete', old.id, old.terms, old.language);
    INSERT INTO search_documents_fts (rowid, terms, language) VALUES (new.id, new.terms, new.language);
END;

-- Every stem ever indexed, and its trigrams: a misspelt query word is matched to the stems that
-- share most of its trigrams (then checked by edit distance in Rust). Only grows.
CREATE TABLE search_terms (
    term TEXT NOT NULL PRIMARY KEY
);
CREATE TABLE search_term_trigrams (
    trigram TEXT NOT NULL,
    term    TEXT NOT NULL,
    PRIMARY KEY (trigram, term)
);
