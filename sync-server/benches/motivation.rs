//! The server's half of `cargo xtask bench motivation`: the weekly leaderboard of a course with
//! 100,000 enrolled learners, every one a member with XP this week (seeded in bulk with SQL, not
//! through the API), read over HTTP from the real server by a member near the bottom (the most
//! members above them to count), on SQLite and on PostgreSQL. Prints p50 and p99 against issue
//! 20's target (p99 <= 20 ms), and checks the rank shown against one counted member by member.
//!
//! Run: `cargo bench -p sync-server --bench motivation` (or `cargo xtask bench motivation`);
//! `EDU_BENCH_POSTGRES_URL` as for the other benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use sqlx::Connection;

const LEARNERS: i64 = 100_000;
const REQUESTS: usize = 500;
const WARM_UP: usize = 50;
const P99_TARGET: Duration = Duration::from_millis(20);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// The statements that seed `LEARNERS` learners of `course` in bulk: accounts (the demo
/// student's password hash copied), enrollments, leaderboard memberships and this week's XP.
fn seed_statements(sqlite: bool, course: &str, week: &str, now: &str) -> Vec<String> {
    // Numbers 1..=LEARNERS, in each dialect.
    let numbers = if sqlite {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LEARNERS}) \
             SELECT i FROM n"
        )
    } else {
        format!("SELECT i FROM generate_series(1, {LEARNERS}) AS g(i)")
    };
    let id = if sqlite {
        "printf('01930000-0000-7000-8000-%012d', i)"
    } else {
        "'01930000-0000-7000-8000-' || lpad(i::text, 12, '0')"
    };
    let time = if sqlite {
        format!("'{now}'")
    } else {
        format!("'{now}'::timestamptz")
    };
    vec![
        format!(
            "INSERT INTO users (id, email, email_key, password_hash, display_name, role, locale, \
                 time_zone, email_verified_at, created_at, updated_at) \
             SELECT {id}, 'bench' || i || '@example.com', 'bench' || i || '@example.com', \
                 (SELECT password_hash FROM users WHERE email_key = 'student@demo.local'), \
                 'Learner ' || i, 'student', 'en', 'UTC', {time}, {time}, {time} \
             FROM ({numbers}) AS s"
        ),
        format!(
            "INSERT INTO enrollments (user_id, course_id, created_at) \
             SELECT {id}, '{course}', {time} FROM ({numbers}) AS s"
        ),
        format!(
            "INSERT INTO leaderboard_members (course_id, user_id, joined_at) \
             SELECT '{course}', {id}, {time} FROM ({numbers}) AS s"
        ),
        // XP from 1 to 1,000 (ties aplenty), as the refresh job writes them.
        format!(
            "INSERT INTO xp_weeks (course_id, week_start, user_id, xp, member) \
             SELECT '{course}', '{week}', {id}, (i * 7919) % 1000 + 1, TRUE FROM ({numbers}) AS s"
        ),
        // The member counts by XP figure, as the refresh job keeps them beside xp_weeks.
        format!(
            "INSERT INTO xp_week_counts (course_id, week_start, xp, members) \
             SELECT course_id, week_start, xp, COUNT(*) FROM xp_weeks \
             WHERE course_id = '{course}' AND week_start = '{week}' AND member = TRUE \
             GROUP BY course_id, week_start, xp"
        ),
        "ANALYZE".to_owned(),
    ]
}

async fn execute_all(database_url: &str, statements: &[String]) {
    if database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&mut conn).await.expect(sql);
        }
    } else {
        let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&mut conn).await.expect(sql);
        }
    }
}

async fn first_course(database_url: &str) -> String {
    let sql = "SELECT id FROM courses WHERE status = 'published' ORDER BY id LIMIT 1";
    if database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

/// The rank of the member `user` counted the slow way (every member above them), to check the
/// figure the server shows.
async fn counted_rank(database_url: &str, course: &str, week: &str, user: &str) -> i64 {
    let sql = "SELECT COUNT(*) + 1 FROM xp_weeks \
               WHERE course_id = $1 AND week_start = $2 AND member = TRUE AND xp > \
                   (SELECT xp FROM xp_weeks WHERE course_id = $1 AND week_start = $2 \
                        AND user_id = $3)";
    if database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        let q = sqlx::query_scalar(sql).bind(course).bind(week).bind(user);
        q.fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
        let q = sqlx::query_scalar(sql).bind(course).bind(week).bind(user);
        q.fetch_one(&mut conn).await.unwrap()
    }
}

fn leaderboard(label: &str, database_url: &str) {
    let server = support::Server::start(database_url, |_| {}, |app| app);
    let base = server.base();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let course = first_course(database_url).await;
        let now = chrono::Utc::now();
        let week = sync_server::motivation::leaderboard::week_of(now).to_string();
        let sqlite = database_url.starts_with("sqlite:");
        let started = Instant::now();
        execute_all(
            database_url,
            &seed_statements(sqlite, &course, &week, &now.to_rfc3339()),
        )
        .await;
        let seeded = started.elapsed();
        // The member with the least XP reads it: the most members above them to count.
        let http = reqwest::Client::new();
        let email = format!("bench{}@example.com", LEARNERS / 2);
        let res = http
            .post(format!("{base}/api/auth/sign-in"))
            .json(&serde_json::json!({"email": email, "password": sync_server::identity::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign in");
        let token = res.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let url = format!("{base}/api/courses/{course}/leaderboard");
        let mut board = None;
        for _ in 0..WARM_UP {
            http.get(&url).bearer_auth(&token).send().await.unwrap();
        }
        let mut times = Vec::with_capacity(REQUESTS);
        for _ in 0..REQUESTS {
            let started = Instant::now();
            let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let view: shared::api::motivation::LeaderboardView = res.json().await.unwrap();
            times.push(started.elapsed());
            board = Some(view);
        }
        times.sort();
        let board = board.unwrap();
        let p50 = percentile(&times, 0.5);
        let p99 = percentile(&times, 0.99);
        let me = board.me.as_ref().map_or(0, |m| m.rank);
        let reader = format!("01930000-0000-7000-8000-{:012}", LEARNERS / 2);
        let counted = counted_rank(database_url, &course, &week, &reader).await;
        assert_eq!(i64::from(me), counted, "the rank shown is the rank counted");
        println!(
            "weekly leaderboard of a course with {LEARNERS} enrolled members with XP, on {label} \
             (seeded in {seeded:.1?}; {} entries shown, the reader ranked {me}): p50 {p50:.2?}, \
             p99 {p99:.2?} of {REQUESTS} — target p99 <= {P99_TARGET:?}: {}",
            board.entries.len(),
            if p99 <= P99_TARGET { "PASS" } else { "MISS" }
        );
    });
    server.stop();
}

fn main() {
    support::on_each_database(leaderboard);
}
