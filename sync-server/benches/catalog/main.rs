//! Catalog at scale: 100,000 courses and 1,000,000 lessons, and how fast the public pages answer.
//!
//! On a temporary SQLite database and then on a fresh PostgreSQL database (dropped after), it
//! starts the real app once (migrations, demo accounts), writes the generated catalog in bulk
//! (`data`) with its search index (in the shape `search::index_course` writes, checked on a
//! sample course: indexing 90,000 courses one by one through it would take longer than the rest
//! of the run), starts the app again in release mode and drives, with `wrk` at 64 connections:
//!
//! - the app shell, `GET /` (the built client's `index.html`; a small stand-in when `dist/` has
//!   no build);
//! - the catalog page, `GET /api/courses`;
//! - course pages, `GET /api/courses/{id}`, over 2,000 published courses (all of them fit the
//!   in-process catalog cache) and over 40,000 (most requests miss it and read the database);
//! - search, `GET /api/search?q=...`, over the 38 queries in `words::QUERIES` (answered from the
//!   catalog cache once read, as popular searches are) and over 40,000 distinct two-word queries
//!   (nearly all read the index).
//!
//! Beside each it measures, in the same run, a minimal axum server answering a fixed body of the
//! same size (the ceiling of this machine, runtime and load generator), and once per run raw
//! PostgreSQL SELECT throughput with `pgbench -S` (64 clients, `-j 2`). It prints requests/s,
//! p50 and p99, the ratio to the axum ceiling and PASS or MISS against issue 16's targets: the app
//! shell and the cached catalog page at least half the ceiling with p99 <= 2 ms, a course page
//! p99 <= 10 ms, search p99 <= 50 ms.
//!
//! Run: `cargo xtask bench catalog` (a release build of `cargo bench -p sync-server --bench
//! catalog`). Knobs: `EDU_BENCH_CATALOG_SCALE` (1 = 100,000 courses; 0.1 for a quick run),
//! `EDU_BENCH_SECONDS` (each measurement, default 10), `EDU_BENCH_POSTGRES_URL` as for the other
//! benches (empty skips PostgreSQL and pgbench), `EDU_BENCH_CATALOG_ONLY` (measure only the
//! endpoints whose name holds this text, such as `search`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mod.rs"]
mod support;

mod data;
mod load;
mod words;

use std::path::PathBuf;
use std::time::Duration;

use shared::domain::CourseId;
use sync_server::config::{DatabaseUrl, RateLimits};
use sync_server::db::Pool;

/// Course pages requested, spread evenly over the published courses: few enough that the
/// catalog cache (4,096 bodies) keeps them all, and many more than it holds.
const CACHED_COURSE_PAGES: usize = 2_000;
const UNCACHED_COURSE_PAGES: usize = 40_000;
/// Distinct two-word searches: far more than the catalog cache holds, so nearly every search
/// reads the index (the 38 queries of `words::QUERIES` are answered from the cache once read).
const UNCACHED_SEARCHES: usize = 40_000;
/// Not measured: connections, prepared statements, caches and the OS page cache fill up.
const WARM_UP_SECONDS: u64 = 3;

#[derive(Clone, Copy, PartialEq)]
enum Target {
    /// At least half the ceiling's requests/s, p99 at most 2 ms.
    HalfCeiling,
    P99Within(Duration),
}

impl Target {
    fn describe(self) -> String {
        match self {
            Self::HalfCeiling => ">= 0.50 ceiling, p99 <= 2 ms".into(),
            Self::P99Within(d) => format!("p99 <= {} ms", d.as_millis()),
        }
    }
}

struct Endpoint {
    name: &'static str,
    paths: Vec<String>,
    target: Target,
}

/// One line of the report.
struct Row {
    backend: String,
    endpoint: &'static str,
    body_bytes: usize,
    app: load::Measured,
    ceiling: load::Measured,
    target: Target,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.app.requests_per_second / self.ceiling.requests_per_second
    }

    fn verdict(&self) -> &'static str {
        let met = self.app.errors == 0
            && match self.target {
                Target::HalfCeiling => {
                    self.ratio() >= 0.5 && self.app.p99 <= Duration::from_millis(2)
                }
                Target::P99Within(limit) => self.app.p99 <= limit,
            };
        if met {
            "PASS"
        } else {
            "MISS"
        }
    }
}

fn main() {
    let scale: f64 = std::env::var("EDU_BENCH_CATALOG_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(1.0);
    let seconds: u64 = std::env::var("EDU_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    if !load::ensure_wrk() {
        std::process::exit(1);
    }
    let size = data::Size::at(scale);
    let work = tempfile::tempdir().expect("temporary directory");
    let (static_dir, built) = client_files(work.path());
    println!(
        "catalog bench: {} courses, {} lessons, {} students (scale {scale}); wrk, {} connections, \
         {seconds} s per measurement; app shell from {} ({})",
        size.courses,
        size.courses * data::LESSONS_PER_COURSE,
        size.students,
        load::CONNECTIONS,
        static_dir.display(),
        if built {
            "the built client"
        } else {
            "a stand-in: dist/ has no build"
        },
    );
    let render_all = !data::check_template_matches_renderer();

    let admin_url = std::env::var("EDU_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| support::DEFAULT_POSTGRES_URL.to_owned());
    let pgbench = if admin_url.is_empty() {
        None
    } else {
        match load::pgbench(&admin_url, seconds) {
            Ok(figures) => Some(figures),
            Err(why) => {
                println!("(pgbench skipped: {why})");
                None
            }
        }
    };
    if let Some((tps, latency)) = pgbench {
        println!(
            "ceiling: PostgreSQL pgbench -S, 64 clients, -j 2, {seconds} s: {tps:.0} SELECTs/s, \
             mean latency {latency:.2} ms"
        );
    }

    let mut rows = Vec::new();
    support::on_each_database(|label, url| {
        rows.extend(run(
            label,
            url,
            size,
            seconds,
            render_all,
            &static_dir,
            work.path(),
        ));
    });

    println!(
        "\nsummary (req/s; p50 / p99 in ms; ratio = app / axum ceiling of the same body size)"
    );
    print_table(&rows);
    if let Some((tps, latency)) = pgbench {
        println!(
            "PostgreSQL ceiling (pgbench -S): {tps:.0} SELECTs/s at mean {latency:.2} ms latency"
        );
    }
}

/// The built client (`dist/` at the workspace root), or a stand-in of the same shape.
fn client_files(work: &std::path::Path) -> (PathBuf, bool) {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist");
    if dist.join("index.html").is_file() {
        return (dist, true);
    }
    let fake = work.join("dist");
    std::fs::create_dir_all(&fake).expect("create the stand-in client dir");
    // About the size and shape of Trunk's index.html: metadata, the boot script, the loading
    // indicator's style.
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>EduPlatform</title><link rel=\"manifest\" href=\"/manifest.json\">\
         <meta name=\"edu-app\" data-js=\"/client-0123456789abcdef.js\" \
         data-wasm=\"/client-0123456789abcdef_bg.wasm\">\
         <script type=\"module\" src=\"/boot.js\"></script><style>",
    );
    while html.len() < 2_000 {
        html.push_str(".loading{display:flex;align-items:center;justify-content:center;}");
    }
    html.push_str("</style></head><body><div class=\"loading\">Loading…</div></body></html>\n");
    std::fs::write(fake.join("index.html"), html).expect("write the stand-in index.html");
    (fake, false)
}

/// Loads the catalog into `database_url`, drives each endpoint and its ceiling, prints the rows.
fn run(
    label: &str,
    database_url: &str,
    size: data::Size,
    seconds: u64,
    render_all: bool,
    static_dir: &std::path::Path,
    work: &std::path::Path,
) -> Vec<Row> {
    let configure = |config: &mut sync_server::Config| {
        config.limits.rate = RateLimits::unlimited();
        config.http.static_dir = static_dir.to_owned();
    };
    // Once for the migrations and the demo accounts (the teacher of every generated course).
    support::Server::start(database_url, configure, |app| app).stop();

    let setup = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("\n{label}: loading the catalog");
    let loaded = setup.block_on(async {
        let teacher = data::teacher_id(database_url).await;
        data::load(database_url, size, &teacher, render_all).await
    });
    println!(
        "{label}: {} published of {} courses, {} modules, {} lessons, {} enrollments, {} reviews \
         written in {:.0} s",
        loaded.published.len(),
        size.courses,
        loaded.modules,
        loaded.lessons,
        loaded.enrollments,
        loaded.reviews,
        loaded.seconds
    );
    let same = setup.block_on(search_index_matches(database_url, &loaded.published[0]));
    println!(
        "{label}: search index written in bulk with the load ({} documents, {} stems); equal to \
         what search::index_course writes for a sample course: {}",
        loaded.search_documents,
        loaded.search_terms,
        if same { "yes" } else { "NO" }
    );
    drop(setup);

    let server = support::Server::start(database_url, configure, |app| app);
    let base = server.base();
    let course_pages = |count: usize| -> Vec<String> {
        let step = (loaded.published.len() / count).max(1);
        loaded
            .published
            .iter()
            .step_by(step)
            .take(count)
            .map(|id| format!("/api/courses/{id}"))
            .collect()
    };
    let endpoints = [
        Endpoint {
            name: "app shell GET /",
            paths: vec!["/".into()],
            target: Target::HalfCeiling,
        },
        Endpoint {
            name: "catalog page GET /api/courses",
            paths: vec!["/api/courses".into()],
            target: Target::HalfCeiling,
        },
        Endpoint {
            name: "course page, 2,000 ids",
            paths: course_pages(CACHED_COURSE_PAGES),
            target: Target::P99Within(Duration::from_millis(10)),
        },
        Endpoint {
            name: "course page, 40,000 ids",
            paths: course_pages(UNCACHED_COURSE_PAGES),
            target: Target::P99Within(Duration::from_millis(10)),
        },
        Endpoint {
            name: "search, 38 queries",
            paths: words::QUERIES.iter().map(|q| search_path(q)).collect(),
            target: Target::P99Within(Duration::from_millis(50)),
        },
        Endpoint {
            name: "search, 40,000 queries",
            paths: words::distinct_queries(UNCACHED_SEARCHES)
                .iter()
                .map(|q| search_path(q))
                .collect(),
            target: Target::P99Within(Duration::from_millis(50)),
        },
    ];

    let only = std::env::var("EDU_BENCH_CATALOG_ONLY").unwrap_or_default();
    let mut rows = Vec::new();
    for endpoint in endpoints {
        if !endpoint.name.contains(only.as_str()) {
            continue;
        }
        let body_bytes = match probe(&base, &endpoint.paths) {
            Ok(size) => size,
            Err(why) => {
                println!("{label}: {:<30} skipped: {why}", endpoint.name);
                continue;
            }
        };
        load::wrk(&base, &endpoint.paths, WARM_UP_SECONDS, work);
        let app = load::wrk(&base, &endpoint.paths, seconds, work);
        let ceiling_server = load::Ceiling::start(body_bytes);
        load::wrk(&ceiling_server.base, &["/".to_owned()], 1, work);
        let ceiling = load::wrk(&ceiling_server.base, &["/".to_owned()], seconds, work);
        ceiling_server.stop();
        let row = Row {
            backend: label.to_owned(),
            endpoint: endpoint.name,
            body_bytes,
            app,
            ceiling,
            target: endpoint.target,
        };
        print_table(std::slice::from_ref(&row));
        rows.push(row);
    }
    server.stop();
    rows
}

fn search_path(query: &str) -> String {
    format!(
        "/api/search?q={}",
        url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    )
}

/// Checks that the first paths answer 200 and returns their mean body size in bytes.
fn probe(base: &str, paths: &[String]) -> Result<usize, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut total = 0;
        let sample = &paths[..paths.len().min(50)];
        for path in sample {
            let res = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .map_err(|e| format!("GET {path}: {e}"))?;
            let status = res.status();
            let body = res.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
            if status != 200 {
                return Err(format!(
                    "GET {path} answered {status} (not on this build?): {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
            total += body.len();
        }
        Ok(total / sample.len().max(1))
    })
}

/// Whether the search rows the bulk load wrote for `course` are exactly what
/// `search::index_course` writes for it: reads them, re-indexes the course through the app's own
/// function, and reads them again.
async fn search_index_matches(database_url: &str, course: &str) -> bool {
    let url = DatabaseUrl::parse(database_url).expect("database URL");
    let db = sync_server::Db::connect(&url).await.expect("connect");
    let bulk = search_documents(&db, course).await;
    let mut tx = db.begin().await.expect("begin");
    let id = CourseId::parse(course).expect("a course id");
    sync_server::search::index_course(&mut tx, &id)
        .await
        .expect("index a course");
    tx.commit().await.expect("commit");
    let indexed = search_documents(&db, course).await;
    db.close().await;
    if bulk != indexed {
        println!(
            "  bulk: {:?}\n  index_course: {:?}",
            bulk.first(),
            indexed.first()
        );
    }
    !bulk.is_empty() && bulk == indexed
}

type SearchDocument = (String, String, String, String, String);

async fn search_documents(db: &sync_server::Db, course: &str) -> Vec<SearchDocument> {
    let sql = "SELECT COALESCE(lesson_id, ''), language, title, body, CAST(terms AS TEXT) \
               FROM search_documents WHERE course_id = $1 ORDER BY COALESCE(lesson_id, '')";
    match db.pool() {
        Pool::Sqlite(pool) => sqlx::query_as(sql).bind(course).fetch_all(pool).await,
        Pool::Postgres(pool) => sqlx::query_as(sql).bind(course).fetch_all(pool).await,
    }
    .expect("read search documents")
}

fn print_table(rows: &[Row]) {
    for row in rows {
        println!(
            "{:<10} {:<30} {:>7} B | app {:>8.0} req/s p50 {:>6.2} p99 {:>6.2}{} | axum {:>8.0} \
             req/s p50 {:>6.2} p99 {:>6.2} | ratio {:>4.2} | {:<28} {}",
            row.backend,
            row.endpoint,
            row.body_bytes,
            row.app.requests_per_second,
            ms(row.app.p50),
            ms(row.app.p99),
            if row.app.errors > 0 {
                format!(" ({} errors)", row.app.errors)
            } else {
                String::new()
            },
            row.ceiling.requests_per_second,
            ms(row.ceiling.p50),
            ms(row.ceiling.p99),
            row.ratio(),
            row.target.describe(),
            row.verdict()
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
