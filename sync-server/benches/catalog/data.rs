//! The generated catalog: `courses` courses of ten lessons each in two to five modules, in English
//! and Russian, with categories, student accounts, enrollments and reviews (counters on the course
//! rows kept equal to the rows they count), written straight into the schema of
//! `migrations/*/20251201000000_courses.sql` in bulk: SQLite in large transactions of prepared
//! multi-row INSERTs, PostgreSQL with COPY.
//!
//! Every course is generated from its own number alone (a seeded SplitMix64 per course, not a
//! library RNG whose sequence may change between versions), so both backends get the same catalog
//! and any row can be regenerated without keeping the others in memory.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};

use super::words::{ENGLISH, RUSSIAN};

pub const LESSONS_PER_COURSE: usize = 10;
const CATEGORIES: &[(&str, &str, &str)] = &[
    ("bench-programming", "Programming", "Программирование"),
    ("bench-mathematics", "Mathematics", "Математика"),
    ("bench-data", "Data", "Данные"),
    ("bench-systems", "Systems", "Системы"),
    ("bench-languages", "Languages", "Языки"),
    ("bench-science", "Science", "Естественные науки"),
    ("bench-security", "Security", "Безопасность"),
    ("bench-design", "Design", "Дизайн"),
    ("bench-business", "Business", "Бизнес"),
    ("bench-music", "Music", "Музыка"),
    ("bench-learning", "Learning to learn", "Учиться учиться"),
    ("bench-career", "Career", "Карьера"),
];
const ENROLLMENTS_PER_STUDENT: usize = 30;
/// Rows per batch handed to a backend: a COPY on PostgreSQL, a few statements on SQLite.
const COURSES_PER_CHUNK: usize = 1_000;
/// SQLite commits after this many chunks (10,000 courses and 100,000 lessons a transaction).
const CHUNKS_PER_TRANSACTION: usize = 10;

/// How big the catalog is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub courses: usize,
    pub students: usize,
}

impl Size {
    /// 100,000 courses and 1,000,000 lessons at scale 1.
    pub fn at(scale: f64) -> Self {
        Self {
            courses: ((100_000.0 * scale).round() as usize).max(100),
            students: ((1_000.0 * scale).round() as usize).max(20),
        }
    }
}

/// What a load wrote, for the report and for choosing request paths.
pub struct Loaded {
    pub published: Vec<String>,
    pub lessons: usize,
    pub modules: usize,
    pub enrollments: usize,
    pub reviews: usize,
    pub seconds: f64,
    pub search_documents: usize,
    pub search_terms: usize,
}

/// SplitMix64: small, fast, and the same sequence forever.
struct Rng(u64);

impl Rng {
    fn new(stream: u64, index: u64) -> Self {
        let mut rng = Self(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn bytes10(&mut self) -> [u8; 10] {
        let (a, b) = (self.next().to_le_bytes(), self.next().to_le_bytes());
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
    }

    /// A word, the first ones of the list far more often than the last (as in real text).
    fn word(&mut self, words: &'static [&'static str]) -> &'static str {
        let u = self.unit();
        words[((u * u) * words.len() as f64) as usize % words.len()]
    }

    fn words(&mut self, words: &'static [&'static str], count: usize) -> String {
        let mut text = String::new();
        for i in 0..count {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(self.word(words));
        }
        text
    }

    /// `count` words starting with a capital letter and ending with a full stop.
    fn sentence(&mut self, words: &'static [&'static str], count: usize) -> String {
        let mut text = capitalised(&self.words(words, count));
        text.push('.');
        text
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A cell of a generated row.
pub enum Val {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Null,
}

struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            rows: Vec::new(),
        }
    }
}

const COURSE_COLUMNS: &[&str] = &[
    "id",
    "slug",
    "teacher_id",
    "category_id",
    "title",
    "subtitle",
    "description",
    "description_html",
    "language",
    "level",
    "price_minor",
    "currency",
    "status",
    "estimated_minutes",
    "lesson_count",
    "enrollment_count",
    "rating_count",
    "rating_sum",
    "rating_centi",
    "published_at",
    "created_at",
    "updated_at",
];
const MODULE_COLUMNS: &[&str] = &["id", "course_id", "position", "title", "created_at"];
const LESSON_COLUMNS: &[&str] = &[
    "id",
    "course_id",
    "module_id",
    "position",
    "title",
    "body",
    "body_html",
    "video_url",
    "estimated_minutes",
    "created_at",
    "updated_at",
];
const ENROLLMENT_COLUMNS: &[&str] = &["user_id", "course_id", "created_at"];
const REVIEW_COLUMNS: &[&str] = &[
    "id",
    "course_id",
    "user_id",
    "stars",
    "body",
    "created_at",
    "updated_at",
];
const USER_COLUMNS: &[&str] = &[
    "id",
    "email",
    "email_key",
    "display_name",
    "role",
    "locale",
    "email_verified_at",
    "created_at",
    "updated_at",
];
const CATEGORY_COLUMNS: &[&str] = &["id", "slug", "name_en", "name_ru", "created_at"];
const SEARCH_COLUMNS: &[&str] = &[
    "course_id",
    "lesson_id",
    "language",
    "title",
    "body",
    "terms",
];
/// How many times a title's stems are repeated in `terms` (as `search::index_course` does).
const TITLE_WEIGHT: usize = 3;

/// Course `i`'s creation time: a minute after course `i - 1`, from 2024-01-01.
fn course_time(i: usize) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid date");
    start + chrono::Duration::minutes(i as i64)
}

/// A UUID v7 at `at` (so ids sort as the rows were created), its random part from `rng`.
fn id_at(at: DateTime<Utc>, rng: &mut Rng) -> String {
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis() as u64, &rng.bytes10())
        .into_uuid()
        .to_string()
}

const STREAM_COURSE: u64 = 1;
const STREAM_LESSON: u64 = 2;
const STREAM_ENROLL: u64 = 3;

/// Whether course `i` is published (90%; the rest are drafts and archived courses).
fn status_of(i: usize) -> &'static str {
    match Rng::new(STREAM_COURSE, i as u64).below(100) {
        0..=89 => "published",
        90..=96 => "draft",
        _ => "archived",
    }
}

/// A lesson body in Markdown and the sanitised HTML the server would store for it.
///
/// The HTML is written from the same template (the words need no escaping), which is what
/// `render` gives for it: `check_template_matches_renderer` compares samples before a load, and
/// the load renders every body if they ever differ.
fn lesson_body(rng: &mut Rng, words: &'static [&'static str]) -> (String, String) {
    let heading = capitalised(&rng.words(words, 3));
    let n1 = 8 + rng.below(8);
    let p1 = format!("{} {}", rng.sentence(words, n1), rng.sentence(words, 6));
    let n2 = 4 + rng.below(6);
    let (a, b, c, code) = (
        capitalised(&rng.words(words, n2)),
        rng.word(words),
        rng.words(words, 5),
        rng.word(ENGLISH),
    );
    let (i1, i2) = (rng.words(words, 4), rng.words(words, 3));
    let markdown =
        format!("## {heading}\n\n{p1}\n\n{a} **{b}** {c} `{code}()`.\n\n- {i1}\n- {i2}\n");
    let html = format!(
        "<h2>{heading}</h2>\n<p>{p1}</p>\n<p>{a} <strong>{b}</strong> {c} <code>{code}()</code>.</p>\n\
         <ul>\n<li>{i1}</li>\n<li>{i2}</li>\n</ul>\n"
    );
    (markdown, html)
}

/// True when the template above gives exactly what `render` gives, on a sample.
pub fn check_template_matches_renderer() -> bool {
    (0..50).all(|i| {
        let mut rng = Rng::new(STREAM_LESSON, i);
        let words = if i % 2 == 0 { ENGLISH } else { RUSSIAN };
        let (markdown, html) = lesson_body(&mut rng, words);
        let rendered = sync_server::content::markdown::render(&markdown);
        if rendered != html {
            println!("  (lesson template differs from render(): rendering every body)\n  template: {html:?}\n  render:   {rendered:?}");
        }
        rendered == html
    })
}

/// Who enrolled in which course, and their stars if they reviewed it.
struct Audience {
    by_course: HashMap<usize, Vec<(usize, Option<i64>)>>,
}

impl Audience {
    /// Every student enrolls in about thirty published courses, popular ones far more often, and
    /// reviews about 40% of them.
    fn plan(size: Size) -> Self {
        let mut by_course: HashMap<usize, Vec<(usize, Option<i64>)>> = HashMap::new();
        for student in 0..size.students {
            let mut rng = Rng::new(STREAM_ENROLL, student as u64);
            let mut mine = std::collections::HashSet::new();
            for _ in 0..ENROLLMENTS_PER_STUDENT {
                let u = rng.unit();
                let course = ((u * u * u) * size.courses as f64) as usize % size.courses;
                if status_of(course) != "published" || !mine.insert(course) {
                    continue;
                }
                let stars =
                    (rng.below(10) < 4).then(|| 1 + (rng.below(5) as i64).max(rng.below(5) as i64));
                by_course.entry(course).or_default().push((student, stars));
            }
        }
        Self { by_course }
    }
}

fn student_id(student: usize) -> String {
    let mut rng = Rng::new(STREAM_ENROLL, 1_000_000 + student as u64);
    id_at(course_time(0), &mut rng)
}

/// A connection to the database being filled.
pub enum Loader {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Loader {
    pub async fn connect(database_url: &str) -> Self {
        if database_url.starts_with("sqlite:") {
            use std::str::FromStr;
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(database_url)
                .expect("SQLite URL")
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                // A bulk load into a scratch file: nothing to lose on a crash.
                .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
                .foreign_keys(false);
            let mut conn = SqliteConnection::connect_with(&options)
                .await
                .expect("SQLite connects");
            conn.execute("PRAGMA cache_size = -262144")
                .await
                .expect("pragma");
            Self::Sqlite(conn)
        } else {
            let mut conn = PgConnection::connect(database_url)
                .await
                .expect("PostgreSQL connects");
            // The rows are consistent by construction: skip the per-row foreign key triggers when
            // allowed (a superuser); otherwise they run, only slower.
            let _ = conn.execute("SET session_replication_role = replica").await;
            conn.execute("SET synchronous_commit = off")
                .await
                .expect("set");
            // Search documents arrive as text stems; `terms` is their tsvector, made as
            // `search::index_course` makes it (the title's stems weighted 'A', then the body's).
            conn.execute(
                "CREATE TEMPORARY TABLE bench_search_staging (course_id TEXT, lesson_id TEXT, \
                 language TEXT, title TEXT, body TEXT, terms TEXT, title_terms TEXT, \
                 body_terms TEXT)",
            )
            .await
            .expect("staging table");
            Self::Postgres(conn)
        }
    }

    async fn begin(&mut self) {
        if let Self::Sqlite(conn) = self {
            conn.execute("BEGIN").await.expect("BEGIN");
        }
    }

    async fn commit(&mut self) {
        if let Self::Sqlite(conn) = self {
            conn.execute("COMMIT").await.expect("COMMIT");
        }
    }

    async fn write(&mut self, batch: &Batch) {
        if batch.rows.is_empty() {
            return;
        }
        match self {
            Self::Sqlite(conn) => {
                // A statement of many rows, prepared once per size (sqlx caches it by its text).
                let per_statement = (30_000 / batch.columns.len()).min(500);
                for rows in batch.rows.chunks(per_statement) {
                    let row = format!("({})", vec!["?"; batch.columns.len()].join(","));
                    let sql = format!(
                        "INSERT INTO {} ({}) VALUES {}",
                        batch.table,
                        batch.columns.join(", "),
                        vec![row.as_str(); rows.len()].join(",")
                    );
                    let mut query = sqlx::query(&sql);
                    // A row may carry more values than the table has columns (the search
                    // documents' parts only PostgreSQL's loader uses).
                    let values = rows.iter().flat_map(|row| &row[..batch.columns.len()]);
                    for value in values {
                        query = match value {
                            Val::Text(s) => query.bind(s.as_str()),
                            Val::Int(n) => query.bind(*n),
                            Val::Time(t) => query.bind(*t),
                            Val::Null => query.bind(None::<String>),
                        };
                    }
                    query.execute(&mut *conn).await.unwrap_or_else(|e| {
                        panic!("INSERT INTO {}: {e}", batch.table);
                    });
                }
            }
            Self::Postgres(conn) => {
                let mut text = String::with_capacity(batch.rows.len() * 256);
                for row in &batch.rows {
                    for (i, value) in row.iter().enumerate() {
                        if i > 0 {
                            text.push('\t');
                        }
                        match value {
                            Val::Text(s) => copy_escape(&mut text, s),
                            Val::Int(n) => {
                                let _ = write!(text, "{n}");
                            }
                            Val::Time(t) => {
                                let _ = write!(text, "{}", t.format("%Y-%m-%d %H:%M:%S%.6f+00"));
                            }
                            Val::Null => text.push_str("\\N"),
                        }
                    }
                    text.push('\n');
                }
                let table = if batch.table == "search_documents" {
                    "bench_search_staging"
                } else {
                    batch.table
                };
                let columns = if batch.table == "search_documents" {
                    format!("{}, title_terms, body_terms", batch.columns.join(", "))
                } else {
                    batch.columns.join(", ")
                };
                let statement = format!("COPY {table} ({columns}) FROM STDIN");
                let mut copy = conn.copy_in_raw(&statement).await.expect("COPY starts");
                copy.send(text.into_bytes()).await.expect("COPY data");
                copy.finish().await.unwrap_or_else(|e| {
                    panic!("COPY {}: {e}", batch.table);
                });
                if batch.table == "search_documents" {
                    conn.execute(
                        "INSERT INTO search_documents (course_id, lesson_id, language, title, \
                         body, terms) SELECT course_id, lesson_id, language, title, body, \
                         setweight(to_tsvector('simple', title_terms), 'A') \
                         || to_tsvector('simple', body_terms) FROM bench_search_staging",
                    )
                    .await
                    .expect("search documents from the staging table");
                    conn.execute("TRUNCATE bench_search_staging")
                        .await
                        .expect("TRUNCATE");
                }
            }
        }
    }

    /// Planner statistics and a checkpoint, as a live database would have by then.
    async fn settle(&mut self) {
        match self {
            Self::Sqlite(conn) => {
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .expect("checkpoint");
            }
            Self::Postgres(conn) => {
                conn.execute("VACUUM ANALYZE")
                    .await
                    .expect("VACUUM ANALYZE");
            }
        }
    }
}

/// COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Writes the whole catalog for `teacher_id` into `database_url` (migrated, catalog otherwise
/// as the demo loader left it).
pub async fn load(database_url: &str, size: Size, teacher_id: &str, render_all: bool) -> Loaded {
    let started = Instant::now();
    let mut loader = Loader::connect(database_url).await;
    let now = Utc::now();

    loader.begin().await;
    let mut categories = Batch::new("categories", CATEGORY_COLUMNS);
    let mut category_ids = Vec::new();
    for (i, (slug, en, ru)) in CATEGORIES.iter().enumerate() {
        let id = id_at(course_time(0), &mut Rng::new(99, i as u64));
        category_ids.push(id.clone());
        categories.rows.push(vec![
            Val::Text(id),
            Val::Text((*slug).into()),
            Val::Text((*en).into()),
            Val::Text((*ru).into()),
            Val::Time(now),
        ]);
    }
    loader.write(&categories).await;

    let mut users = Batch::new("users", USER_COLUMNS);
    for student in 0..size.students {
        let email = format!("bench-student-{student}@example.org");
        users.rows.push(vec![
            Val::Text(student_id(student)),
            Val::Text(email.clone()),
            Val::Text(email),
            Val::Text(format!("Student {student}")),
            Val::Text("student".into()),
            Val::Text(if student % 2 == 0 { "en" } else { "ru" }.into()),
            Val::Time(now),
            Val::Time(now),
            Val::Time(now),
        ]);
    }
    loader.write(&users).await;
    loader.commit().await;

    let audience = Audience::plan(size);
    let mut loaded = Loaded {
        published: Vec::new(),
        lessons: 0,
        modules: 0,
        enrollments: 0,
        reviews: 0,
        seconds: 0.0,
        search_documents: 0,
        search_terms: 0,
    };
    let mut vocabulary = std::collections::HashSet::new();
    let chunks = size.courses.div_ceil(COURSES_PER_CHUNK);
    for chunk in 0..chunks {
        if chunk % CHUNKS_PER_TRANSACTION == 0 {
            loader.begin().await;
        }
        let (mut courses, mut modules, mut lessons, mut enrollments, mut reviews, mut search) = (
            Batch::new("courses", COURSE_COLUMNS),
            Batch::new("course_modules", MODULE_COLUMNS),
            Batch::new("lessons", LESSON_COLUMNS),
            Batch::new("enrollments", ENROLLMENT_COLUMNS),
            Batch::new("course_reviews", REVIEW_COLUMNS),
            Batch::new("search_documents", SEARCH_COLUMNS),
        );
        let end = ((chunk + 1) * COURSES_PER_CHUNK).min(size.courses);
        for i in chunk * COURSES_PER_CHUNK..end {
            course_rows(
                i,
                teacher_id,
                &category_ids,
                &audience,
                render_all,
                [
                    &mut courses,
                    &mut modules,
                    &mut lessons,
                    &mut enrollments,
                    &mut reviews,
                    &mut search,
                ],
                &mut vocabulary,
                &mut loaded,
            );
        }
        loaded.search_documents += search.rows.len();
        for batch in [
            &courses,
            &modules,
            &lessons,
            &enrollments,
            &reviews,
            &search,
        ] {
            loader.write(batch).await;
        }
        if chunk % CHUNKS_PER_TRANSACTION == CHUNKS_PER_TRANSACTION - 1 || chunk == chunks - 1 {
            loader.commit().await;
            print!(
                "\r  loaded {end} of {} courses ({:.0} s)",
                size.courses,
                started.elapsed().as_secs_f64()
            );
            use std::io::Write as _;
            let _ = std::io::stdout().flush();
        }
    }
    println!();
    // The vocabulary of stems and their trigrams, as `search::index_course` learns them. The demo
    // courses the app loaded at start are indexed already: their stems are known.
    for term in known_terms(database_url).await {
        vocabulary.remove(&term);
    }
    loader.begin().await;
    let mut terms = Batch::new("search_terms", &["term"]);
    let mut trigrams = Batch::new("search_term_trigrams", &["trigram", "term"]);
    for term in &vocabulary {
        for trigram in sync_server::search::text::trigrams(term) {
            trigrams
                .rows
                .push(vec![Val::Text(trigram), Val::Text(term.clone())]);
        }
        terms.rows.push(vec![Val::Text(term.clone())]);
    }
    loaded.search_terms = terms.rows.len();
    loader.write(&terms).await;
    loader.write(&trigrams).await;
    loader.commit().await;
    loader.settle().await;
    loaded.seconds = started.elapsed().as_secs_f64();
    loaded
}

/// The rows of course `i`: the course, its modules and lessons, its enrollments and reviews.
#[allow(clippy::too_many_arguments)] // one row's columns, each from its own generator
fn course_rows(
    i: usize,
    teacher_id: &str,
    category_ids: &[String],
    audience: &Audience,
    render_all: bool,
    [courses, modules, lessons, enrollments, reviews, search]: [&mut Batch; 6],
    vocabulary: &mut std::collections::HashSet<String>,
    loaded: &mut Loaded,
) {
    let published = status_of(i) == "published";
    // A search document in the shape `search::index_course` writes (plain text, stems of the
    // title repeated before those of the body), for published courses only.
    let mut index =
        |course_id: &str, lesson_id: Option<&str>, language: &str, title: &str, body: String| {
            if !published {
                return;
            }
            let title_stems = sync_server::search::text::stems(title);
            let body_stems = sync_server::search::text::stems(&body);
            let mut terms = String::with_capacity(title_stems.len() * TITLE_WEIGHT + body.len());
            for _ in 0..TITLE_WEIGHT {
                terms.push_str(&title_stems);
                terms.push(' ');
            }
            terms.push_str(&body_stems);
            for stem in terms.split(' ').filter(|s| !s.is_empty()) {
                if !vocabulary.contains(stem) {
                    vocabulary.insert(stem.to_owned());
                }
            }
            search.rows.push(vec![
                Val::Text(course_id.to_owned()),
                lesson_id
                    .map(|l| Val::Text(l.to_owned()))
                    .unwrap_or(Val::Null),
                Val::Text(language.to_owned()),
                Val::Text(title.to_owned()),
                Val::Text(body),
                Val::Text(terms),
                // PostgreSQL's tsvector weighs the title's stems instead of repeating them: the
                // staging table takes both parts (SQLite's rows stop at `terms`).
                Val::Text(title_stems),
                Val::Text(body_stems),
            ]);
        };
    let mut rng = Rng::new(STREAM_COURSE, i as u64);
    let status = status_of(i);
    rng.next();
    let created = course_time(i);
    let id = id_at(created, &mut rng);
    let (language, words) = if rng.below(2) == 0 {
        ("en", ENGLISH)
    } else {
        ("ru", RUSSIAN)
    };
    let level = ["beginner", "intermediate", "advanced"][rng.below(3)];
    let title_words = 2 + rng.below(4);
    let title = capitalised(&rng.words(words, title_words));
    let subtitle_words = 6 + rng.below(6);
    let subtitle = capitalised(&rng.words(words, subtitle_words));
    let description_sentences: Vec<String> = (0..3 + rng.below(3))
        .map(|_| {
            let n = 6 + rng.below(10);
            rng.sentence(words, n)
        })
        .collect();
    let description = description_sentences.join(" ");
    let description_html = format!("<p>{description}</p>\n");
    index(
        id.as_str(),
        None,
        language,
        title.as_str(),
        sync_server::search::text::plain_text(&format!("{subtitle}\n\n{description}")),
    );
    let category = (rng.below(20) > 0).then(|| category_ids[rng.below(category_ids.len())].clone());
    let (price_minor, currency) = if rng.below(10) < 7 {
        (0, None)
    } else {
        (
            990 + 1_000 * rng.below(9) as i64,
            Some(["USD", "EUR", "RUB"][rng.below(3)]),
        )
    };

    // Modules of 5+5, 3+3+4 or 2+2+2+2+2 lessons.
    let module_sizes: &[usize] = match rng.below(3) {
        0 => &[5, 5],
        1 => &[3, 3, 4],
        _ => &[2, 2, 2, 2, 2],
    };
    let mut minutes = 0;
    let mut lesson_rng = Rng::new(STREAM_LESSON, i as u64);
    for (position, &count) in module_sizes.iter().enumerate() {
        let module_id = id_at(created, &mut lesson_rng);
        let module_words = 2 + lesson_rng.below(3);
        let module_title = capitalised(&lesson_rng.words(words, module_words));
        modules.rows.push(vec![
            Val::Text(module_id.clone()),
            Val::Text(id.clone()),
            Val::Int(position as i64),
            Val::Text(module_title),
            Val::Time(created),
        ]);
        loaded.modules += 1;
        for lesson_position in 0..count {
            let lesson_id = id_at(created, &mut lesson_rng);
            let title_words = 3 + lesson_rng.below(4);
            let title = capitalised(&lesson_rng.words(words, title_words));
            let (body, mut body_html) = lesson_body(&mut lesson_rng, words);
            if render_all {
                body_html = sync_server::content::markdown::render(&body);
            }
            index(
                id.as_str(),
                Some(lesson_id.as_str()),
                language,
                title.as_str(),
                sync_server::search::text::plain_text(&body),
            );
            let lesson_minutes = 3 + lesson_rng.below(23) as i64;
            minutes += lesson_minutes;
            let video = (lesson_rng.below(5) == 0)
                .then(|| format!("https://video.example.org/{lesson_id}"));
            lessons.rows.push(vec![
                Val::Text(lesson_id),
                Val::Text(id.clone()),
                Val::Text(module_id.clone()),
                Val::Int(lesson_position as i64),
                Val::Text(title),
                Val::Text(body),
                Val::Text(body_html),
                video.map(Val::Text).unwrap_or(Val::Null),
                Val::Int(lesson_minutes),
                Val::Time(created),
                Val::Time(created),
            ]);
            loaded.lessons += 1;
        }
    }

    let (mut rating_count, mut rating_sum) = (0i64, 0i64);
    let enrolled = audience.by_course.get(&i).map(Vec::as_slice).unwrap_or(&[]);
    for (n, &(student, stars)) in enrolled.iter().enumerate() {
        let at = created + chrono::Duration::seconds(1 + n as i64);
        enrollments.rows.push(vec![
            Val::Text(student_id(student)),
            Val::Text(id.clone()),
            Val::Time(at),
        ]);
        loaded.enrollments += 1;
        if let Some(stars) = stars {
            rating_count += 1;
            rating_sum += stars;
            let mut review_rng = Rng::new(STREAM_ENROLL, ((i as u64) << 20) | student as u64);
            let body_words = 5 + review_rng.below(20);
            let body = review_rng.sentence(words, body_words);
            reviews.rows.push(vec![
                Val::Text(id_at(at, &mut review_rng)),
                Val::Text(id.clone()),
                Val::Text(student_id(student)),
                Val::Int(stars),
                Val::Text(body),
                Val::Time(at),
                Val::Time(at),
            ]);
            loaded.reviews += 1;
        }
    }
    let rating_centi = if rating_count > 0 {
        rating_sum * 100 / rating_count
    } else {
        0
    };

    if status == "published" {
        loaded.published.push(id.clone());
    }
    courses.rows.push(vec![
        Val::Text(id),
        Val::Text(format!("bench-course-{i}")),
        Val::Text(teacher_id.to_owned()),
        category.map(Val::Text).unwrap_or(Val::Null),
        Val::Text(title),
        Val::Text(subtitle),
        Val::Text(description),
        Val::Text(description_html),
        Val::Text(language.into()),
        Val::Text(level.into()),
        Val::Int(price_minor),
        currency.map(|c| Val::Text(c.into())).unwrap_or(Val::Null),
        Val::Text(status.into()),
        Val::Int(minutes),
        Val::Int(LESSONS_PER_COURSE as i64),
        Val::Int(enrolled.len() as i64),
        Val::Int(rating_count),
        Val::Int(rating_sum),
        Val::Int(rating_centi),
        if status == "draft" {
            Val::Null
        } else {
            Val::Time(created)
        },
        Val::Time(created),
        Val::Time(created),
    ]);
}

/// The stems the search vocabulary holds already.
async fn known_terms(database_url: &str) -> Vec<String> {
    let sql = "SELECT term FROM search_terms";
    match Loader::connect(database_url).await {
        Loader::Sqlite(mut conn) => sqlx::query_scalar(sql).fetch_all(&mut conn).await,
        Loader::Postgres(mut conn) => sqlx::query_scalar(sql).fetch_all(&mut conn).await,
    }
    .expect("read the search vocabulary")
}

/// The demo teacher's id: the teacher of every generated course.
pub async fn teacher_id(database_url: &str) -> String {
    let sql = "SELECT id FROM users WHERE email_key = $1";
    let email = sync_server::identity::demo::TEACHER_EMAIL;
    match Loader::connect(database_url).await {
        Loader::Sqlite(mut conn) => {
            sqlx::query_scalar(sql)
                .bind(email)
                .fetch_one(&mut conn)
                .await
        }
        Loader::Postgres(mut conn) => {
            sqlx::query_scalar(sql)
                .bind(email)
                .fetch_one(&mut conn)
                .await
        }
    }
    .expect("the demo teacher exists")
}
