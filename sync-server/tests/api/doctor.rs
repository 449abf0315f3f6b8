//! `sync-server doctor` as an operator runs it: one line per finding, exit code 1 when something
//! fails, and nothing changed (no database made or migrated, no mail unless `--to`).

use crate::helpers::{run_command, Backend, TestApp};
use crate::notifications::SmtpSink;
use crate::{both_backends, database_free};

/// `sync-server doctor <args>` on the database at `url` with more `EDU_*` variables.
async fn doctor(url: &str, args: &[&str], env: &[(&str, String)]) -> (i32, String) {
    let url = url.to_owned();
    let args: Vec<String> = std::iter::once("doctor".to_owned())
        .chain(args.iter().map(|a| a.to_string()))
        .collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_command(&url, &args, "", &env))
            .await
            .unwrap();
    (code, format!("{stdout}{stderr}"))
}

/// The line of `output` about `check` that starts with `status`.
fn line<'a>(output: &'a str, status: &str, check: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(status) && l[4..].trim_start().starts_with(&format!("{check}:")))
        .unwrap_or_else(|| panic!("no {status} {check} line in:\n{output}"))
}

both_backends!(
    async fn doctor_finds_a_migrated_database_up_to_date_and_changes_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let url = app.config.database.url.expose().to_owned();
        let media = app.config.media.dir.display().to_string();
        let (code, out) = doctor(&url, &[], &[("EDU_MEDIA_DIR", media)]).await;
        assert_eq!(code, 0, "{out}");
        assert!(line(&out, "ok", "database").contains("(up to date)"), "{out}");
        assert!(line(&out, "ok", "configuration").contains("read: database"), "{out}");
        // No SMTP server configured, outside dev mode: works, but nobody gets mail.
        assert!(line(&out, "WARN", "mail").contains("no EDU_SMTP_URL"), "{out}");
        assert!(line(&out, "ok", "disk (media)").contains("free where"), "{out}");
        // The password of a PostgreSQL URL never shows.
        assert!(!out.contains("password="), "{out}");
        if backend == Backend::Sqlite {
            assert!(line(&out, "ok", "disk (database)").contains("free where"), "{out}");
        }
    }
);

database_free!(
    async fn doctor_never_makes_a_sqlite_database(_backend) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("edu.db");
        let url = format!("sqlite://{}", file.display());
        let media = dir.path().join("media").display().to_string();
        let (code, out) = doctor(&url, &[], &[("EDU_MEDIA_DIR", media)]).await;
        assert_eq!(code, 0, "{out}");
        assert!(line(&out, "ok", "database").contains("does not exist yet"), "{out}");
        assert!(line(&out, "ok", "media").contains("made at the first upload"), "{out}");
        assert!(!file.exists());
    }
);

both_backends!(
    async fn doctor_fails_on_a_schema_newer_than_it_knows(backend) {
        let app = TestApp::spawn(backend).await;
        let sql = "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
                   execution_time) VALUES (99990101000000, 'from the future', TRUE, \
                   X'00', 1)";
        let postgres_sql = sql.replace("X'00'", "'\\x00'::bytea");
        use sync_server::db::Pool;
        match app.db.pool() {
            Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            Pool::Postgres(pool) => sqlx::query(&postgres_sql).execute(pool).await.map(drop),
        }
        .unwrap();
        let url = app.config.database.url.expose().to_owned();
        let (code, out) = doctor(&url, &[], &[]).await;
        assert_eq!(code, 1, "{out}");
        assert!(line(&out, "FAIL", "database").contains("newer than this server knows"), "{out}");
    }
);

database_free!(
    async fn doctor_names_an_unreachable_database_and_a_bad_setting_in_one_line(_backend) {
        let (code, out) = doctor("postgres://postgres@127.0.0.1:1/test", &[], &[]).await;
        assert_eq!(code, 1, "{out}");
        line(&out, "FAIL", "database");

        let (code, out) = doctor("mysql://127.0.0.1/test", &[], &[]).await;
        assert_eq!(code, 1, "{out}");
        let failure = line(&out, "FAIL", "configuration");
        assert!(failure.contains("EDU_DATABASE_URL"), "{out}");
        assert_eq!(out.lines().count(), 1, "{out}");
    }
);

database_free!(
    async fn doctor_sends_a_test_mail_only_when_asked(_backend) {
        let sink = SmtpSink::start().await;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("edu.db").display());
        let smtp = ("EDU_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port));
        let (code, out) = doctor(&url, &[], std::slice::from_ref(&smtp)).await;
        assert_eq!(code, 0, "{out}");
        assert!(line(&out, "ok", "mail").contains("answers"), "{out}");
        assert!(sink.received().is_empty());

        let (code, out) = doctor(&url, &["--to", "ops@example.org"], &[smtp]).await;
        assert_eq!(code, 0, "{out}");
        assert!(line(&out, "ok", "mail").contains("answers"), "{out}");
        assert!(out.contains("test mail to o***@example.org accepted"), "{out}");
        let received = sink.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].rcpt_to, ["ops@example.org"]);
        assert!(received[0].data.contains("sync-server doctor"), "{}", received[0].data);

        // Nobody listens on port 1: the mail check fails, and so does the test send.
        let closed = ("EDU_SMTP_URL", "smtp://127.0.0.1:1".to_owned());
        let (code, out) = doctor(&url, &["--to", "ops@example.org"], &[closed]).await;
        assert_eq!(code, 1, "{out}");
        line(&out, "FAIL", "mail");
        // With no SMTP server configured, --to cannot send.
        let (code, out) = doctor(&url, &["--to", "ops@example.org"], &[]).await;
        assert_eq!(code, 1, "{out}");
        assert!(line(&out, "FAIL", "mail").contains("--to"), "{out}");
    }
);
