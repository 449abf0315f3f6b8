//! `sync-server admin create` as an operator runs it against the app's own database: the password
//! from stdin or EDU_ADMIN_PASSWORD, never argv; clear messages and exit codes.

use shared::api::accounts::Role;

use crate::both_backends;
use crate::helpers::{run_command, TestApp, DEMO_PASSWORD};

/// Runs `sync-server admin <args>` on `app`'s database with `stdin` piped in, on the blocking
/// pool: the app (and its mail worker, which may hold SQLite's write lock) keeps running meanwhile.
async fn admin(
    app: &TestApp,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let url = app.config.database.url.expose().to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_owned();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let args: Vec<String> = std::iter::once("admin".to_owned()).chain(args).collect();
    tokio::task::spawn_blocking(move || run_command(&url, &args, &stdin, &env))
        .await
        .unwrap()
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

        // An existing verified account is promoted; its password stays.
        let promote = ["create", "--email", "teacher@demo.local"];
        let (code, stdout, _) = admin(&app, &promote, "", &[]).await;
        assert_eq!(code, 0);
        assert!(stdout.starts_with("promoted the existing verified account"), "{stdout}");
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

both_backends!(
    async fn admin_create_never_promotes_an_unverified_squatter(backend) {
        let app = TestApp::spawn(backend).await;
        // An attacker registers the future admin's address first; they cannot verify it.
        app.register("boss@example.com", "the squatter's own password").await;
        let args = ["create", "--email", "boss@example.com", "--name", "Boss"];
        let (code, stdout, stderr) = admin(&app, &args, "the real admin's passphrase\n", &[]).await;
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.starts_with("error: ") && stderr.contains("never verified") && stderr.contains("--force"), "{stderr}");
        let role: String = crate::on_db!(&app.db, pool => sqlx::query_scalar(
            "SELECT role FROM users WHERE email_key = 'boss@example.com'"
        ).fetch_one(pool).await.unwrap());
        assert_eq!(role, "student");

        // --force takes the account over with the operator's password; the squatter's is gone.
        let force = ["create", "--email", "boss@example.com", "--force"];
        let (code, stdout, stderr) = admin(&app, &force, "the real admin's passphrase\n", &[]).await;
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.starts_with("took over the existing account boss@example.com"), "{stdout}");
        assert_eq!(app.sign_in("boss@example.com", "the squatter's own password").await.status(), 401);
        let token = app.token_for("boss@example.com", "the real admin's passphrase").await;
        let me = app.me_ok(&token).await;
        assert_eq!((me.role, me.email_verified), (Role::Admin, true));
        // The squatter's verification link died with the take-over.
        assert_eq!(app.count("SELECT COUNT(*) FROM account_tokens WHERE user_id = $1", &me.id).await, 0);
    }
);

both_backends!(
    async fn admin_create_force_ends_the_accounts_sessions_and_links(backend) {
        let app = TestApp::spawn(backend).await;
        let session = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        app.post_json("/api/auth/forgot-password", &serde_json::json!({"email": "teacher@demo.local"})).await;
        let reset = app.mailed_token("teacher@demo.local", "reset-password").await;

        // Without a password --force refuses and changes nothing.
        let force = ["create", "--email", "teacher@demo.local", "--force"];
        let (code, _, stderr) = admin(&app, &force, "", &[]).await;
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("no password"), "{stderr}");
        app.me_ok(&session).await;

        let (code, stdout, stderr) = admin(&app, &force, "an operator's new passphrase\n", &[]).await;
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("1 session(s)"), "{stdout}");
        assert_eq!(app.me(&session).await.status(), 401);
        let res = app
            .post_json("/api/auth/reset-password", &serde_json::json!({"token": reset, "new_password": "someone else's passphrase"}))
            .await;
        assert_eq!(res.status(), 400);
        let token = app.token_for("teacher@demo.local", "an operator's new passphrase").await;
        assert_eq!(app.me_ok(&token).await.role, Role::Admin);
    }
);
