//! Full-text search over published courses and their lessons, in English and Russian.
//!
//! Owns the search index (kept in the same transaction as the content it indexes) and the query.
//! Never indexes a course that is not published, and never returns markup other than `<mark>`.
//!
//! How it works: every text is split into words and stemmed here, in Rust (`text`), so both
//! engines index and query the same stems. `search_documents` holds one row per published course
//! and per lesson: plain title and body for snippets and the stems (`terms`), indexed by SQLite FTS5
//! (`search_documents_fts`) or a PostgreSQL `tsvector` + GIN. Typos are forgiven through the
//! vocabulary of stems (`search_terms`) and its trigrams (`search_term_trigrams`, plain tables on
//! both engines): a query stem the index does not know is replaced by the known stems that share
//! most of its trigrams and are within `text::typos_allowed` edits of it. The vocabulary only grows
//! (a stem that no longer occurs costs an expansion that matches nothing). Matching documents are
//! ranked in Rust (`rank`), over a bounded number of candidates, the same way on both engines.

pub mod rank;
pub mod text;

use std::collections::HashSet;

use shared::api::courses::CourseLanguage;
use shared::api::search::{HitKind, SearchHit, SearchResults};
use shared::domain::{CourseId, LessonId};

use crate::db::{on_tx, Db, Pool, Tx, TxConn};
use crate::error::{Error, Result};

/// A query stem is replaced by at most this many close stems of the vocabulary.
const EXPANSIONS_PER_WORD: usize = 5;

/// How many vocabulary stems sharing trigrams with a misspelt stem are checked for edit distance.
const TYPO_CANDIDATES: i64 = 50;

/// Query words beyond this many are ignored (a 200-character query is already long).
const MAX_QUERY_WORDS: usize = 10;

/// At most this many matching documents are ranked, whatever the query: a word in every tenth
/// lesson of a million would otherwise rank a hundred thousand rows. The first matches in index
/// order are taken, then ranked (`rank`, in Rust); this keeps the cost of a search bounded on
/// both engines.
const RANKED_CANDIDATES: i64 = 500;

/// Snippets are cut from the first this many characters of a document's text.
const SNIPPET_SOURCE_CHARS: i64 = 20_000;

/// A title's stems count this many times in a document's terms, so a word in the title ranks
/// above the same word in the text (`rank` weighs by frequency; on PostgreSQL the title's
/// positions carry weight A and count this many times each).
const TITLE_WEIGHT: usize = 3;

/// A validated search: the trimmed query text, an optional course language, and how many hits.
#[derive(Debug, Clone)]
pub struct Search {
    pub query: String,
    pub language: Option<CourseLanguage>,
    pub limit: u32,
}

/// One document of the index, as written.
struct Document {
    lesson_id: Option<LessonId>,
    title: String,
    body: String,
    /// The title's stems repeated `TITLE_WEIGHT` times, then the body's: what SQLite indexes.
    terms: String,
    /// The title's and the body's stems apart: PostgreSQL marks the title's with `setweight`
    /// (a tsvector keeps one entry per position, so repeating them would not count).
    title_stems: String,
    body_stems: String,
}

impl Document {
    fn new(lesson_id: Option<LessonId>, title: &str, body: String) -> Self {
        let title_stems = text::stems(title);
        let mut terms = String::with_capacity(title_stems.len() * TITLE_WEIGHT + body.len());
        for _ in 0..TITLE_WEIGHT {
            terms.push_str(&title_stems);
            terms.push(' ');
        }
        let body_stems = text::stems(&body);
        terms.push_str(&body_stems);
        Self {
            lesson_id,
            title: title.to_owned(),
            body,
            terms,
            title_stems,
            body_stems,
        }
    }
}

/// Brings the index of `course` (its own text and every lesson's) up to date inside `tx`: called by
/// every write that changes a course's text, lessons or status. A course that is not published is
/// removed from the index. Marks `tx` as changing the catalog (search answers are cached with it).
pub async fn index_course(tx: &mut Tx, course: &CourseId) -> Result<()> {
    // What search answers changes with the index: cached answers are stale once this commits.
    tx.changed_catalog();
    // SQLite's FTS rows go with their documents (a trigger), so one delete clears both engines.
    on_tx!(tx, conn => sqlx::query("DELETE FROM search_documents WHERE course_id = $1")
        .bind(course)
        .execute(&mut *conn)
        .await
        .map(drop))?;

    let sql = "SELECT status, language, title, subtitle, description FROM courses WHERE id = $1";
    let row: Option<(String, String, String, String, String)> =
        on_tx!(tx, conn => sqlx::query_as(sql).bind(course).fetch_optional(&mut *conn).await)?;
    let Some((status, language, title, subtitle, description)) = row else {
        return Ok(());
    };
    if status != "published" {
        return Ok(());
    }

    let sql = "SELECT id, title, body FROM lessons WHERE course_id = $1 ORDER BY id";
    let lessons: Vec<(LessonId, String, String)> =
        on_tx!(tx, conn => sqlx::query_as(sql).bind(course).fetch_all(&mut *conn).await)?;

    let mut documents = Vec::with_capacity(lessons.len() + 1);
    let about = text::plain_text(&format!("{subtitle}\n\n{description}"));
    documents.push(Document::new(None, &title, about));
    for (id, title, body) in lessons {
        documents.push(Document::new(Some(id), &title, text::plain_text(&body)));
    }

    let mut vocabulary: HashSet<&str> = HashSet::new();
    for document in &documents {
        vocabulary.extend(document.terms.split(' ').filter(|s| !s.is_empty()));
    }

    for document in &documents {
        match &mut tx.conn {
            TxConn::Sqlite(conn) => {
                sqlx::query(
                    "INSERT INTO search_documents \
                         (course_id, lesson_id, language, title, body, terms) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(course)
                .bind(&document.lesson_id)
                .bind(&language)
                .bind(&document.title)
                .bind(&document.body)
                .bind(&document.terms)
                .execute(&mut **conn)
                .await?;
            }
            TxConn::Postgres(conn) => {
                sqlx::query(
                    "INSERT INTO search_documents \
                         (course_id, lesson_id, language, title, body, terms) \
                     VALUES ($1, $2, $3, $4, $5, \
                             setweight(to_tsvector('simple', $6), 'A') || to_tsvector('simple', $7))",
                )
                .bind(course)
                .bind(&document.lesson_id)
                .bind(&language)
                .bind(&document.title)
                .bind(&document.body)
                .bind(&document.title_stems)
                .bind(&document.body_stems)
                .execute(&mut **conn)
                .await?;
            }
        }
    }

    learn_stems(tx, vocabulary.into_iter().collect()).await
}

/// Adds the stems the vocabulary does not know yet, with their trigrams.
async fn learn_stems(tx: &mut Tx, mut stems: Vec<&str>) -> Result<()> {
    if stems.is_empty() {
        return Ok(());
    }
    stems.sort_unstable();
    let list = json(&stems)?;
    let (insert_terms, insert_trigrams) = match tx.conn {
        TxConn::Sqlite(_) => (
            // `WHERE true` lets SQLite tell the upsert's ON from a join's.
            "INSERT INTO search_terms (term) SELECT value FROM json_each($1) WHERE true \
             ON CONFLICT DO NOTHING RETURNING term",
            "INSERT INTO search_term_trigrams (trigram, term) \
             SELECT value ->> 0, value ->> 1 FROM json_each($1) WHERE true ON CONFLICT DO NOTHING",
        ),
        TxConn::Postgres(_) => (
            "INSERT INTO search_terms (term) SELECT value FROM jsonb_array_elements_text($1::jsonb) \
             ON CONFLICT DO NOTHING RETURNING term",
            "INSERT INTO search_term_trigrams (trigram, term) \
             SELECT value ->> 0, value ->> 1 FROM jsonb_array_elements($1::jsonb) \
             ON CONFLICT DO NOTHING",
        ),
    };
    let learned: Vec<(String,)> = on_tx!(tx, conn => sqlx::query_as(insert_terms)
        .bind(&list)
        .fetch_all(&mut *conn)
        .await)?;
    if learned.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(String, &str)> = learned
        .iter()
        .flat_map(|(term,)| {
            text::trigrams(term)
                .into_iter()
                .map(move |trigram| (trigram, term.as_str()))
        })
        .collect();
    let pairs = json(&pairs)?;
    on_tx!(tx, conn => sqlx::query(insert_trigrams)
        .bind(&pairs)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    Ok(())
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("search: {e}")))
}

/// Course and lesson hits of published courses for `search`, best first.
pub async fn search(db: &Db, search: &Search) -> Result<SearchResults> {
    let mut stems = text::query_stems(&search.query);
    stems.truncate(MAX_QUERY_WORDS);
    let mut results = SearchResults {
        query: search.query.clone(),
        hits: Vec::new(),
    };
    let Some(groups) = expand(db, &stems).await? else {
        return Ok(results);
    };

    let language = search.language.map(|l| l.code());
    let candidates = candidates(db, &groups, language).await?;
    let candidates: Vec<(i64, &[u8])> = candidates.documents().collect();
    if candidates.is_empty() {
        return Ok(results);
    }

    // Ranked here (see `rank`), then only the best `limit` are read in full.
    let counting = rank::Groups::new(&groups);
    let counts: Vec<rank::Counts> = candidates
        .iter()
        .map(|(_, terms)| match db.pool() {
            Pool::Sqlite(_) => counting.count_stems(terms),
            Pool::Postgres(_) => counting.count_tsvector(terms, TITLE_WEIGHT),
        })
        .collect();
    let mut ranked: Vec<(f64, i64)> = rank::scores(&counts)
        .into_iter()
        .zip(candidates.iter().map(|(id, _)| *id))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.truncate(search.limit as usize);

    let ids: Vec<i64> = ranked.iter().map(|(_, id)| *id).collect();
    let ids = json(&ids)?;
    let sql = match db.pool() {
        Pool::Sqlite(_) => {
            // CROSS JOIN keeps this order: from the few ids to their rows (left to choose,
            // SQLite walks every published course and looks for its documents among the ids).
            "SELECT d.id, d.course_id, d.lesson_id, d.language, d.title, \
                    substr(d.body, 1, $2) AS body, c.title AS course_title \
             FROM json_each($1) AS j \
             CROSS JOIN search_documents d \
             CROSS JOIN courses c \
             WHERE d.id = j.value AND c.id = d.course_id AND c.status = 'published'"
        }
        Pool::Postgres(_) => {
            "SELECT d.id, d.course_id, d.lesson_id, d.language, d.title, \
                    substr(d.body, 1, $2::int) AS body, c.title AS course_title \
             FROM jsonb_array_elements_text($1::jsonb) AS j (value) \
             JOIN search_documents d ON d.id = j.value::bigint \
             JOIN courses c ON c.id = d.course_id AND c.status = 'published'"
        }
    };
    let rows: Vec<HitRow> = crate::db::on_pool!(db, pool => sqlx::query_as(sql)
        .bind(&ids)
        .bind(SNIPPET_SOURCE_CHARS)
        .fetch_all(pool)
        .await?);
    let mut rows: std::collections::HashMap<i64, HitRow> =
        rows.into_iter().map(|row| (row.id, row)).collect();
    let rows: Vec<(f64, HitRow)> = ranked
        .into_iter()
        .filter_map(|(score, id)| rows.remove(&id).map(|row| (score, row)))
        .collect();

    let matched: HashSet<String> = groups.into_iter().flatten().collect();
    for (score, row) in rows {
        let language = CourseLanguage::from_code(&row.language).ok_or_else(|| {
            Error::Internal(format!("search document: bad language {}", row.language))
        })?;
        results.hits.push(SearchHit {
            kind: if row.lesson_id.is_some() {
                HitKind::Lesson
            } else {
                HitKind::Course
            },
            snippet: text::snippet(&row.body, &matched),
            course_id: row.course_id,
            course_title: row.course_title,
            lesson_id: row.lesson_id,
            title: row.title,
            language,
            score: score as f32,
        });
    }
    Ok(results)
}

#[derive(sqlx::FromRow)]
struct HitRow {
    id: i64,
    course_id: CourseId,
    lesson_id: Option<LessonId>,
    language: String,
    title: String,
    body: String,
    course_title: String,
}

/// The documents that hold every query word, with their stems for ranking, as one text: a line
/// per document, its id, a space, then its stems (SQLite: the `terms` column, stems separated by
/// spaces; PostgreSQL: the `tsvector` as text).
///
/// One row rather than a row per document: sqlx's SQLite driver hands each row from its worker
/// thread to the server separately, and those 500 hand-offs (a thread wake-up each) cost more
/// than reading and ranking the documents. Bytes, not a `String`: ranking looks only for spaces,
/// quotes and stems, so checking that the text is UTF-8 would be wasted work.
struct Candidates(Vec<u8>);

impl Candidates {
    /// Each document's id and stems, in the order the query listed them.
    fn documents(&self) -> impl Iterator<Item = (i64, &[u8])> {
        self.0.split(|&b| b == b'\n').filter_map(|line| {
            let space = memchr::memchr(b' ', line)?;
            let id = std::str::from_utf8(&line[..space]).ok()?.parse().ok()?;
            Some((id, &line[space + 1..]))
        })
    }
}

/// The first `RANKED_CANDIDATES` documents (in index order) that hold a stem of every group, in
/// `language` if given. Neither engine ranks here: that would read every match, not just these.
/// Stems and tsvectors hold no line break, so a line is one document.
async fn candidates(db: &Db, groups: &[Vec<String>], language: Option<&str>) -> Result<Candidates> {
    let text: Option<Vec<u8>> = match db.pool() {
        Pool::Sqlite(pool) => {
            // Terms only in the `terms` column: a query word "en" must not match the language.
            let any_of = |group: &Vec<String>| {
                let quoted: Vec<String> = group.iter().map(|s| format!("\"{s}\"")).collect();
                format!("({})", quoted.join(" OR "))
            };
            let all: Vec<String> = groups.iter().map(any_of).collect();
            let mut expression = format!("terms : ({})", all.join(" AND "));
            if let Some(language) = language {
                expression.push_str(&format!(" AND language : \"{language}\""));
            }
            sqlx::query_scalar(
                "SELECT group_concat(d.id || ' ' || d.terms, char(10)) \
                 FROM (SELECT rowid AS id FROM search_documents_fts \
                       WHERE search_documents_fts MATCH $1 LIMIT $2) m \
                 JOIN search_documents d ON d.id = m.id",
            )
            .bind(expression)
            .bind(RANKED_CANDIDATES)
            .fetch_one(pool)
            .await?
        }
        Pool::Postgres(pool) => {
            let any_of = |group: &Vec<String>| format!("({})", group.join(" | "));
            let all: Vec<String> = groups.iter().map(any_of).collect();
            // Not a prepared statement: planned for these words each time (a generic plan cannot
            // tell a word in half the documents, best read in table order, from a rare one,
            // best found through the GIN index).
            sqlx::query_scalar(
                "SELECT convert_to(string_agg(id || ' ' || terms::text, E'\\n'), 'UTF8') \
                 FROM (SELECT id, terms FROM search_documents \
                       WHERE terms @@ to_tsquery('simple', $1) \
                         AND ($3::text IS NULL OR language = $3) \
                       LIMIT $2) d",
            )
            .bind(all.join(" & "))
            .bind(RANKED_CANDIDATES)
            .bind(language)
            .persistent(false)
            .fetch_one(pool)
            .await?
        }
    };
    Ok(Candidates(text.unwrap_or_default()))
}

/// For each query stem, the stems of the index it stands for: itself when the index knows it,
/// otherwise the known stems within its typo allowance, closest first. `None` when some query stem
/// stands for nothing (then no document has every word) or there are no stems at all.
async fn expand(db: &Db, stems: &[String]) -> Result<Option<Vec<Vec<String>>>> {
    if stems.is_empty() {
        return Ok(None);
    }
    let (known_sql, close_sql) = match db.pool() {
        Pool::Sqlite(_) => (
            "SELECT term FROM search_terms WHERE term IN (SELECT value FROM json_each($1))",
            "SELECT term FROM search_term_trigrams \
             WHERE trigram IN (SELECT value FROM json_each($1)) \
             GROUP BY term ORDER BY count(*) DESC, term LIMIT $2",
        ),
        Pool::Postgres(_) => (
            "SELECT term FROM search_terms \
             WHERE term IN (SELECT jsonb_array_elements_text($1::jsonb))",
            "SELECT term FROM search_term_trigrams \
             WHERE trigram IN (SELECT jsonb_array_elements_text($1::jsonb)) \
             GROUP BY term ORDER BY count(*) DESC, term LIMIT $2",
        ),
    };
    let list = json(&stems)?;
    let known: Vec<(String,)> = crate::db::on_pool!(db, pool => sqlx::query_as(known_sql).bind(&list).fetch_all(pool).await?);
    let known: HashSet<String> = known.into_iter().map(|(term,)| term).collect();

    let mut groups = Vec::with_capacity(stems.len());
    for stem in stems {
        if known.contains(stem) {
            groups.push(vec![stem.clone()]);
            continue;
        }
        let allowed = text::typos_allowed(stem);
        if allowed == 0 {
            return Ok(None);
        }
        let trigrams = json(&text::trigrams(stem))?;
        let candidates: Vec<(String,)> = crate::db::on_pool!(db, pool => sqlx::query_as(close_sql)
            .bind(&trigrams)
            .bind(TYPO_CANDIDATES)
            .fetch_all(pool)
            .await?);
        let mut close: Vec<(usize, String)> = candidates
            .into_iter()
            .map(|(term,)| (text::distance(stem, &term), term))
            .filter(|(distance, _)| *distance <= allowed)
            .collect();
        if close.is_empty() {
            return Ok(None);
        }
        close.sort();
        close.truncate(EXPANSIONS_PER_WORD);
        groups.push(close.into_iter().map(|(_, term)| term).collect());
    }
    Ok(Some(groups))
}
