//! Importing a course from a zipped book (`POST /api/courses/import`) and from a folder
//! (`sync-server course import`): a preview that stores nothing, a draft owned by the caller, and
//! archives that try to escape or to exhaust the server refused whole.

use std::io::Write;
use std::path::Path;

use reqwest::Method;
use shared::api::authoring::{ImportOutcome, ImportReport};

use crate::both_backends;
use crate::helpers::{Role, TestApp, DEMO_PASSWORD};

const TEACHER: &str = "teacher@demo.local";
const BIN: &str = env!("CARGO_BIN_EXE_sync-server");

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-book")
}

/// A zip of `(name, bytes)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The fixture book as a zip, in a top folder like a zipped folder has.
fn fixture_zip() -> Vec<u8> {
    let mut entries = Vec::new();
    let mut pending = vec![fixture()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(fixture())
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                entries.push((format!("import-book/{name}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&borrowed)
}

async fn upload(app: &TestApp, token: Option<&str>, query: &str, zip: Vec<u8>) -> (u16, String) {
    let path = format!("/api/courses/import{query}");
    let req = match token {
        Some(token) => app.bearer(Method::POST, &path, token),
        None => app.client.post(app.url(&path)),
    };
    let res = req
        .header("content-type", "application/zip")
        .body(zip)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn code_of(text: &str) -> String {
    let body: shared::api::ErrorBody = serde_json::from_str(text).unwrap();
    body.error.code.as_str().to_owned()
}

async fn course_count(app: &TestApp) -> i64 {
    crate::on_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM courses").fetch_one(pool).await.unwrap()
    })
}

both_backends!(
    async fn a_dry_run_previews_the_book_and_an_import_creates_a_draft_of_the_caller(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let before = course_count(&app).await;

        let (status, text) = upload(&app, Some(&token), "?dry_run=true", fixture_zip()).await;
        assert_eq!(status, 200, "{text}");
        let preview: ImportReport = serde_json::from_str(&text).unwrap();
        assert_eq!(preview.course_id, None);
        assert_eq!(preview.title, "Fixture: reading code");
        let outline: Vec<(String, Vec<String>)> = preview
            .modules
            .iter()
            .map(|m| (m.title.clone(), m.lessons.iter().map(|l| l.title.clone()).collect()))
            .collect();
        assert_eq!(
            outline,
            [
                ("Fixture: reading code".to_owned(), vec!["Welcome".to_owned()]),
                ("Reading".to_owned(), vec!["Names matter".to_owned(), "Types tell".to_owned()]),
            ]
        );
        let missing = preview.files.iter().find(|f| f.path == "src/img/missing.png").unwrap();
        assert_eq!(missing.outcome, ImportOutcome::Missing);
        assert_eq!(course_count(&app).await, before, "a dry run stores nothing");

        let (status, text) = upload(&app, Some(&token), "", fixture_zip()).await;
        assert_eq!(status, 201, "{text}");
        let report: ImportReport = serde_json::from_str(&text).unwrap();
        let id = report.course_id.expect("the new course");
        assert_eq!(course_count(&app).await, before + 1);
        let (teacher, status, lessons): (String, String, i32) = crate::on_db!(&app.db, pool => {
            sqlx::query_as(
                "SELECT u.email_key, c.status, c.lesson_count FROM courses c \
                 JOIN users u ON u.id = c.teacher_id WHERE c.id = $1",
            )
            .bind(id.as_str())
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!((teacher.as_str(), status.as_str(), lessons), (TEACHER, "draft", 3));
    }
);

both_backends!(
    async fn archives_that_escape_or_exhaust_are_refused_whole(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let before = course_count(&app).await;
        let lesson: &[u8] = b"# A lesson\n\nText.";
        let zeros = vec![0u8; 51 * 1024 * 1024];
        let many: Vec<(String, &[u8])> =
            (0..2_001).map(|i| (format!("l{i:04}.md"), lesson)).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("dot-dot", zip_of(&[("a.md", lesson), ("../evil.md", lesson)]), "../evil.md"),
            ("absolute", zip_of(&[("a.md", lesson), ("/tmp/evil.md", lesson)]), "absolute"),
            ("backslash", zip_of(&[("a.md", lesson), ("..\\evil.md", lesson)]), "backslash"),
            ("bomb", zip_of(&[("a.md", lesson), ("big.bin", &zeros)]), "MiB"),
            ("many", zip_of(&many), "2000"),
            ("no lesson", zip_of(&[("book.toml", b"[book]\ntitle = \"Empty\"\n"), ("notes.txt", b"hi")]), "no lesson"),
            ("no title", zip_of(&[("notes.txt", b"hi")]), "title"),
            ("not a zip", b"PK but not really".to_vec(), "zip"),
        ];
        for (name, zip, says) in cases {
            for query in ["?dry_run=true", ""] {
                let (status, text) = upload(&app, Some(&token), query, zip.clone()).await;
                assert_eq!(status, 422, "{name}{query}: {text}");
                let body: shared::api::ErrorBody = serde_json::from_str(&text).unwrap();
                assert_eq!(body.error.code.as_str(), "unprocessable_content", "{name}");
                assert!(body.error.message.contains(says), "{name}: {}", body.error.message);
            }
        }
        assert_eq!(course_count(&app).await, before, "nothing half-saved");
        assert!(!Path::new("evil.md").exists() && !Path::new("../evil.md").exists());
    }
);

both_backends!(
    async fn only_teachers_and_admins_may_import(backend) {
        let app = TestApp::spawn(backend).await;
        let (status, text) = upload(&app, None, "", fixture_zip()).await;
        assert_eq!((status, code_of(&text)), (401, "unauthenticated".to_owned()), "{text}");
        app.insert_user("learner@example.com", Role::Student).await;
        let token = app.token_for("learner@example.com", DEMO_PASSWORD).await;
        let (status, text) = upload(&app, Some(&token), "", fixture_zip()).await;
        assert_eq!((status, code_of(&text)), (403, "forbidden".to_owned()), "{text}");
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let (status, text) = upload(&app, Some(&admin), "?dry_run=true", fixture_zip()).await;
        assert_eq!(status, 200, "{text}");
    }
);

fn run_import(url: &str, args: &[String]) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("EDU_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args(["course", "import"])
        .args(args)
        .env("EDU_DATABASE_URL", url)
        .output()
        .expect("run sync-server");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

both_backends!(
    async fn the_cli_imports_a_folder_for_a_teacher_and_refuses_others(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_user("learner@example.com", Role::Student).await;
        let url = app.config.database.url.expose().to_owned();
        let dir = fixture().to_str().unwrap().to_owned();
        let cases: Vec<(Vec<String>, i32, &str)> = vec![
            (vec![dir.clone(), "--teacher".into(), TEACHER.into(), "--publish".into()], 0, "imported"),
            (vec![dir.clone(), "--teacher".into(), "learner@example.com".into()], 1, "not a teacher"),
            (vec![dir.clone(), "--teacher".into(), "nobody@example.com".into()], 1, "no account"),
            (vec!["/no/such/dir".into(), "--teacher".into(), TEACHER.into()], 1, "/no/such/dir"),
            (vec![dir.clone()], 2, "--teacher"),
        ];
        for (args, expected, says) in cases {
            let url = url.clone();
            let shown = args.clone();
            let (code, stdout, stderr) =
                tokio::task::spawn_blocking(move || run_import(&url, &args)).await.unwrap();
            assert_eq!(code, expected, "{shown:?}: {stdout}{stderr}");
            assert!(stdout.contains(says) || stderr.contains(says), "{shown:?}: {stdout}{stderr}");
        }
        let published: i64 = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM courses WHERE title = 'Fixture: reading code' \
                 AND status = 'published'",
            )
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!(published, 1);
    }
);
