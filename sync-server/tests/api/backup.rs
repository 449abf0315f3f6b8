//! `sync-server backup` and `restore` as an operator runs them on a SQLite database: online
//! backup while the app serves, restore after the database is destroyed with every row back, and
//! the refusals that leave the live database untouched.

use std::path::Path;

use sync_server::db::Pool;

use crate::helpers::{eventually, run_command, Backend, TestApp, DEMO_PASSWORD};

/// `sync-server <args>` on the SQLite database at `url`.
async fn cli(url: &str, args: &[&str]) -> (i32, String, String) {
    let url = url.to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || run_command(&url, &args, "", &[]))
        .await
        .unwrap()
}

/// Every application table with its row count and a digest of its rows' text.
async fn contents(url: &str) -> Vec<(String, i64, String)> {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx_%' AND name NOT LIKE 'search_documents_fts%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&pool)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let (count, digest): (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT COUNT(*), group_concat(row, '|') FROM \
             (SELECT {row} AS row FROM \"{table}\" ORDER BY row)"
        ))
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        out.push((table, count, digest.unwrap_or_default()));
    }
    pool.close().await;
    out
}

/// Waits until the background jobs the demo data queued (the lessons' summaries) have run, so the
/// rows compared do not change under the test.
async fn settle_jobs(app: &TestApp) {
    let db = app.db.clone();
    eventually("the background jobs settled", || {
        let db = db.clone();
        async move {
            let open: i64 = crate::on_db!(&db, pool => sqlx::query_scalar(
                "SELECT COUNT(*) FROM jobs WHERE status NOT IN ('done', 'failed')"
            ).fetch_one(pool).await.unwrap());
            open == 0
        }
    })
    .await;
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn back_up_while_serving_destroy_restore_and_find_every_row() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Rows beyond the demo data: a session, a profile change.
    let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
    let res = app
        .bearer(reqwest::Method::PATCH, "/api/me", &token)
        .json(&serde_json::json!({"display_name": "Backed Up"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    settle_jobs(&app).await;
    let url = app.config.database.url.expose().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edu-backup.db");
    let file_arg = file.display().to_string();

    let (code, stdout, stderr) = cli(&url, &["backup", "--to", &file_arg]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("EDU_MEDIA_DIR"),
        "names the media: {stdout}"
    );
    let (code, _, stderr) = cli(&url, &["backup", "--to", &file_arg]).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("exists already"), "{stderr}");

    let before = contents(&url).await;
    assert!(before.iter().any(|(t, n, _)| t == "sessions" && *n > 0));
    assert!(before.iter().any(|(t, n, _)| t == "courses" && *n > 0));
    let path = match app.db.pool() {
        Pool::Sqlite(_) => url.trim_start_matches("sqlite://").to_owned(),
        Pool::Postgres(_) => unreachable!(),
    };
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    remove_database(Path::new(&path));

    let (code, stdout, stderr) = cli(&url, &["restore", "--from", &file_arg]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("restored "), "{stdout}");
    assert_eq!(contents(&url).await, before, "every row is back");

    // Now the database holds data: without --force a restore is refused, and changes nothing.
    let (code, _, stderr) = cli(&url, &["restore", "--from", &file_arg]).await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("holds data") && stderr.contains("--force"),
        "{stderr}"
    );
    let (code, _, stderr) = cli(&url, &["restore", "--from", &file_arg, "--force"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(contents(&url).await, before);
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_or_is_from_a_newer_server_is_refused_and_nothing_changes() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    settle_jobs(&app).await;
    let url = app.config.database.url.expose().to_owned();
    let before = contents(&url).await;
    let dir = tempfile::tempdir().unwrap();

    let junk = dir.path().join("notes.txt");
    std::fs::write(
        &junk,
        "this is not a database, just some text long enough to be read",
    )
    .unwrap();
    let (code, _, stderr) = cli(
        &url,
        &["restore", "--from", &junk.display().to_string(), "--force"],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("is not a backup of this server"),
        "{stderr}"
    );

    let newer = dir.path().join("newer.db");
    let newer_arg = newer.display().to_string();
    let (code, _, stderr) = cli(&url, &["backup", "--to", &newer_arg]).await;
    assert_eq!(code, 0, "{stderr}");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{newer_arg}"))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99991231000000, 'from a newer server', TRUE, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (code, _, stderr) = cli(&url, &["restore", "--from", &newer_arg, "--force"]).await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("has schema version 99991231000000, newer than this server knows"),
        "{stderr}"
    );
    assert_eq!(
        contents(&url).await,
        before,
        "the live database is untouched"
    );
}

/// A tiny file system (tmpfs, `size` bytes) mounted on a fresh folder, unmounted when dropped.
/// Needs root, as the tests run here and in CI.
struct TinyDisk {
    dir: tempfile::TempDir,
}

impl TinyDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a {size} tmpfs failed: this test needs root (CAP_SYS_ADMIN) to make a full disk"
        );
        Self { dir }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn a_backup_onto_a_full_disk_fails_clearly_leaves_no_file_and_the_database_untouched() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    settle_jobs(&app).await;
    let url = app.config.database.url.expose().to_owned();
    let before = contents(&url).await;
    let size = std::fs::metadata(url.trim_start_matches("sqlite://"))
        .unwrap()
        .len();
    // Far smaller than the database: the copy runs out of space part way.
    assert!(size > 256 * 1024, "{size}");
    let disk = TinyDisk::mount("128k");
    let file = disk.dir.path().join("edu-backup.db");

    let (code, stdout, stderr) = cli(&url, &["backup", "--to", &file.display().to_string()]).await;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("full") || stderr.contains("space"),
        "names the cause: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(disk.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "no backup and no partial copy left: {left:?}"
    );
    assert_eq!(
        contents(&url).await,
        before,
        "the live database is untouched"
    );
    // The server still serves and writes.
    let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
    app.me_ok(&token).await;
}

#[tokio::test]
async fn on_postgres_backup_and_restore_check_the_database_print_the_commands_and_hide_the_password(
) {
    let app = TestApp::spawn(Backend::Postgres).await;
    // Trust authentication ignores the password, so the check still connects with one in the URL.
    let url = app.config.database.url.expose().replacen(
        "postgres://postgres@",
        "postgres://postgres:hunter2@",
        1,
    );
    assert!(url.contains("hunter2"), "{url}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edu.dump").display().to_string();

    let (code, stdout, stderr) = cli(&url, &["backup", "--to", &file]).await;
    assert_eq!(code, 1, "nothing was backed up: {stdout}{stderr}");
    assert!(stdout.contains("answers (schema version 2"), "{stdout}");
    assert!(
        stdout.contains("pg_dump --format=custom --file"),
        "{stdout}"
    );
    assert!(
        stdout.contains("EDU_MEDIA_DIR") || stdout.contains("media"),
        "{stdout}"
    );
    assert!(stderr.contains("pg_dump"), "{stderr}");
    let (code, stdout, stderr) = cli(&url, &["restore", "--from", &file]).await;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("pg_restore --clean --if-exists"),
        "{stdout}"
    );
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains("hunter2"),
            "the password never shows: {text}"
        );
    }
    assert!(!Path::new(&file).exists());

    // A database that does not answer: one clear line.
    let (code, _, stderr) = cli(
        "postgres://postgres:hunter2@127.0.0.1:1/test",
        &["backup", "--to", &file],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
