//! `sync-server admin create` as an operator runs it against the app's own database: the password
//! from stdin or EDU_ADMIN_PASSWORD, never argv; clear messages and exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

use shared::api::accounts::Role;

use crate::both_backends;
use crate::helpers::{TestApp, DEMO_PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_sync-server");

/// Runs `sync-server admin <args>` on `app`'s database with `stdin` piped in, on the blocking
/// pool: the app (and its mail worker, which may hold SQLite's write lock) keeps running meanwhile.
async fn admin(
    app: &TestApp,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let url = app.config.database_url.expose().to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_owned();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || run_admin(&url, &args, &stdin, &env))
        .await
        .unwrap()
}

fn run_admin(
    url: &str,
    args: &[String],
    stdin: &str,
    env: &[(String, String)],
) -> (i32, String, String) {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("EDU_") {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd
        .arg("admin")
        .args(args)
        .env("EDU_DATABASE_URL", url)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sync-server");
    // The command may exit without reading (bad usage): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

both_backends!(
    async fn admin_create_makes_a_verified_admin_with_the_password_from_stdin(backend) {
        let app = TestApp::spawn(backend).await;
        let args = ["create", "--email", "Root@Example.com", "--name", "Root"];
        let (code, stdout, stderr) =
            admin(&app, &args, "correct horse battery staple\n", &[]).await;
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.starts_with("created admin Root@Example.com"), "{stdout}");

        let token = app.token_for("root@example.com", "correct horse battery staple").await;
        let me = app.me_ok(&token).await;
        assert_eq!((me.role, me.email_verified), (Role::Admin, true));

        // Again: nothing changes.
        let (code, stdout, _) = admin(&app, &args, "", &[]).await;
        assert_eq!(code, 0);
        assert!(stdout.contains("already an admin"), "{stdout}");

        // An existing account is promoted; its password stays.
        let promote = ["create", "--email", "teacher@demo.local"];
        let (code, stdout, _) = admin(&app, &promote, "", &[]).await;
        assert_eq!(code, 0);
        assert!(stdout.starts_with("promoted the existing account"), "{stdout}");
        let token = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        assert_eq!(app.me_ok(&token).await.role, Role::Admin);

        // The password may come from EDU_ADMIN_PASSWORD instead.
        let env = [("EDU_ADMIN_PASSWORD", "another long passphrase")];
        let args = ["create", "--email=ops@example.com", "--name=Ops"];
        let (code, _, stderr) = admin(&app, &args, "", &env).await;
        assert_eq!(code, 0, "{stderr}");
        app.token_for("ops@example.com", "another long passphrase").await;
    }
);

both_backends!(
    async fn admin_create_refuses_bad_input_with_one_line_and_an_exit_code(backend) {
        let app = TestApp::spawn(backend).await;
        let cases: &[(&[&str], &str, i32, &str)] = &[
            (&["create", "--email", "x@example.com", "--name", "X"], "password123\n", 1, "common"),
            (&["create", "--email", "x@example.com", "--name", "X"], "short\n", 1, "at least 10"),
            (&["create", "--email", "x@example.com", "--name", "X"], "", 1, "no password"),
            (&["create", "--email", "not-an-email", "--name", "X"], "a fine passphrase\n", 1, "email"),
            (&["create", "--email", "x@example.com"], "a fine passphrase\n", 1, "--name"),
            (&["create", "--email", "x@example.com", "--name", "X", "--password", "pw"], "", 2, "never taken from the command line"),
            (&["create", "--name", "X"], "", 2, "--email is required"),
            (&["delete"], "", 2, "unknown admin command"),
            (&[], "", 2, "admin needs a command"),
        ];
        for (args, stdin, expected, says) in cases {
            let (code, stdout, stderr) = admin(&app, args, stdin, &[]).await;
            assert_eq!(code, *expected, "{args:?}: {stdout}{stderr}");
            assert!(stderr.starts_with("error: ") && stderr.contains(says), "{args:?}: {stderr}");
            assert_eq!(stdout, "", "{args:?}");
        }
        assert_eq!(app.sign_in("x@example.com", "a fine passphrase").await.status(), 401);
    }
);
