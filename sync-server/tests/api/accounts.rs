//! Accounts as a person meets them: register, verify, sign in and out (cookie and bearer), recover,
//! change password and email, sessions, export and deletion; and the bad inputs of each step.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;
use shared::api::accounts::{Me, SessionInfo, SignInResponse};
use shared::api::ErrorBody;

use crate::both_backends;
use crate::helpers::{error_code, Options, Role, TestApp, DEMO_PASSWORD};

const NEW_PASSWORD: &str = "a brand new passphrase";

both_backends!(
    async fn register_verify_sign_in_read_me_and_sign_out_with_cookie_and_bearer(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("Ada@Example.COM", NEW_PASSWORD).await;

        // Not verified yet: the right password is told so, the wrong one is not.
        let res = app.sign_in("ada@example.com", NEW_PASSWORD).await;
        assert_eq!(error_code(res, 403).await, "email_not_verified");
        let res = app.sign_in("ada@example.com", "not the password").await;
        assert_eq!(error_code(res, 401).await, "invalid_credentials");

        let token = app.mailed_token("Ada@example.com", "verify-email").await;
        let res = app.post_json("/api/auth/verify-email", &json!({"token": token})).await;
        assert_eq!(res.status(), 200);
        let me: Me = res.json().await.unwrap();
        assert!(me.email_verified);
        assert_eq!(me.email, "Ada@example.com", "domain lowercased, local part kept");
        assert_eq!(me.role, Role::Student);
        assert_eq!(me.time_zone, "Europe/London");
        // Single use.
        let res = app.post_json("/api/auth/verify-email", &json!({"token": token})).await;
        assert_eq!(error_code(res, 400).await, "invalid_token");

        // Sign in (the address matches whatever its case) and read the cookie.
        let res = app.sign_in("ADA@example.com", NEW_PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        let body: SignInResponse = res.json().await.unwrap();
        assert!(cookie.starts_with(&format!("edu_session={};", body.token)), "{cookie}");
        for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(part), "{cookie} has {part}");
        }
        assert!(!cookie.contains("Secure"), "plain http: {cookie}");
        assert_eq!(body.user.id, me.id);

        // The cookie and the bearer token both authenticate.
        assert_eq!(app.me_ok(&body.token).await.id, me.id);
        let res = app.with_cookie(Method::GET, "/api/me", &body.token).send().await.unwrap();
        assert_eq!(res.status(), 200);

        // Sign out with the cookie: the cookie is cleared and the token is dead.
        let res = app
            .with_cookie(Method::POST, "/api/auth/sign-out", &body.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        assert_eq!(error_code(app.me(&body.token).await, 401).await, "unauthenticated");

        // Sign out with the bearer token.
        let token = app.token_for("ada@example.com", NEW_PASSWORD).await;
        let res = app.bearer(Method::POST, "/api/auth/sign-out", &token).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(error_code(app.me(&token).await, 401).await, "unauthenticated");
        // Signing out again (or anonymously) is harmless.
        let res = app.anonymous(Method::POST, "/api/auth/sign-out").send().await.unwrap();
        assert_eq!(res.status(), 204);

        let audit = app
            .count("SELECT COUNT(*) FROM audit_log WHERE user_id = $1 AND event IN ('sign_in', 'sign_out')", &me.id)
            .await;
        assert_eq!(audit, 4, "two sign-ins and two sign-outs audited");
    }
);

both_backends!(
    async fn registering_a_taken_address_answers_the_same_and_mails_its_owner(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("grace@example.com", NEW_PASSWORD).await;
        app.mailed_token("grace@example.com", "verify-email").await;
        // Same address, other case: same 202, no second account, a different mail.
        app.register("GRACE@example.com", "another passphrase!").await;
        app.wait_for_mail("grace@example.com", |m| m.text.contains("/forgot-password"))
            .await;
        let accounts = app
            .count("SELECT COUNT(*) FROM users WHERE email_key = $1", "grace@example.com")
            .await;
        assert_eq!(accounts, 1);
        // And the demo student's address answers like any other.
        app.register("student@demo.local", NEW_PASSWORD).await;
    }
);

both_backends!(
    async fn invalid_registrations_are_400_naming_the_field_and_save_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let valid = json!({
            "email": "new@example.com", "password": NEW_PASSWORD, "display_name": "New",
            "locale": "ru", "time_zone": "Europe/Moscow"
        });
        let long_email = format!("{}@example.com", "a".repeat(250));
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            ("email", json!("not-an-email"), "email"),
            ("email", json!("a@b"), "email"),
            ("email", json!(long_email), "email"),
            ("password", json!("short"), "password"),
            ("password", json!("qwertyuiop"), "password"),
            ("password", json!("Password123"), "password"),
            ("password", json!("x".repeat(129)), "password"),
            ("display_name", json!("   "), "display name"),
            ("display_name", json!("x".repeat(81)), "display name"),
            ("time_zone", json!("Europe/Mos cow"), "time zone"),
            ("time_zone", json!(""), "time zone"),
        ];
        for (field, value, named) in cases {
            let mut body = valid.clone();
            body[field] = value.clone();
            let res = app.post_json("/api/auth/register", &body).await;
            assert_eq!(res.status(), 400, "{field} = {value}");
            let error: ErrorBody = res.json().await.unwrap();
            assert_eq!(error.error.code.as_str(), "validation_failed");
            assert!(error.error.message.starts_with(named), "{}", error.error.message);
            assert_eq!(error.error.field.as_deref(), Some(field), "{value}");
            assert!(error.error.reason.is_some(), "{value}");
        }
        let mut unknown_locale = valid.clone();
        unknown_locale["locale"] = json!("de");
        // Not one of the enum's values: the body has the wrong shape, the same 400 as broken JSON.
        let res = app.post_json("/api/auth/register", &unknown_locale).await;
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<ErrorBody>().await.unwrap().error.code.as_str(), "bad_request");
        let users = app.count("SELECT COUNT(*) FROM users WHERE email_key <> $1", "").await;
        assert_eq!(users, 3, "only the demo accounts");
        assert!(app.mailbox("new@example.com").await.is_empty());
    }
);

both_backends!(
    async fn a_refused_value_is_sent_with_its_field_and_typed_reason(backend) {
        let app = TestApp::spawn(backend).await;
        let body = json!({
            "email": "new@example.com", "password": "short", "display_name": "New",
            "locale": "ru", "time_zone": "Europe/Moscow"
        });
        let res = app.post_json("/api/auth/register", &body).await;
        assert_eq!(res.status(), 400);
        let error: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            error,
            json!({"error": {
                "code": "validation_failed",
                "message": "password must be at least 10 characters",
                "field": "password",
                "reason": {"kind": "too_short", "min": 10}
            }})
        );

        let common = json!({
            "email": "new@example.com", "password": "Password123", "display_name": "New",
            "locale": "ru", "time_zone": "Europe/Moscow"
        });
        let error: serde_json::Value = app.post_json("/api/auth/register", &common).await.json().await.unwrap();
        assert_eq!(error["error"]["reason"], json!({"kind": "common"}));

        // Errors about no one field carry neither key.
        let res = app.sign_in("nobody@example.com", "wrong password!!").await;
        assert_eq!(res.status(), 401);
        let error: serde_json::Value = res.json().await.unwrap();
        let detail = error["error"].as_object().unwrap();
        assert_eq!(detail["code"], "invalid_credentials");
        assert!(!detail.contains_key("field") && !detail.contains_key("reason"), "{error}");
    }
);

both_backends!(
    async fn wrong_password_and_unknown_email_get_the_same_401(backend) {
        let app = TestApp::spawn(backend).await;
        let wrong = app.sign_in("student@demo.local", "wrong password!!").await;
        let wrong: ErrorBody = {
            assert_eq!(wrong.status(), 401);
            wrong.json().await.unwrap()
        };
        let unknown = app.sign_in("nobody@example.com", "wrong password!!").await;
        let unknown: ErrorBody = {
            assert_eq!(unknown.status(), 401);
            unknown.json().await.unwrap()
        };
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.error.code.as_str(), "invalid_credentials");
        let failed = app
            .count("SELECT COUNT(*) FROM audit_log WHERE event = $1", "sign_in_failed")
            .await;
        assert_eq!(failed, 2);
        // A malformed address is a 400 naming the field, not a guess at an account.
        let res = app.sign_in("not an email", "whatever password").await;
        assert_eq!(error_code(res, 400).await, "validation_failed");
    }
);

both_backends!(
    async fn password_reset_ends_every_session_and_replaces_the_password(backend) {
        let app = TestApp::spawn(backend).await;
        let old_session = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        for email in ["student@demo.local", "nobody@example.com"] {
            let res = app.post_json("/api/auth/forgot-password", &json!({"email": email})).await;
            assert_eq!(res.status(), 202, "{email}");
        }
        let token = app.mailed_token("student@demo.local", "reset-password").await;
        assert!(app.mailbox("nobody@example.com").await.is_empty());

        // A weak password is refused before the token is spent.
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": token, "new_password": "1234567890"}))
            .await;
        assert_eq!(error_code(res, 400).await, "validation_failed");
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": token, "new_password": NEW_PASSWORD}))
            .await;
        assert_eq!(res.status(), 204);

        assert_eq!(error_code(app.me(&old_session).await, 401).await, "unauthenticated");
        let res = app.sign_in("student@demo.local", DEMO_PASSWORD).await;
        assert_eq!(error_code(res, 401).await, "invalid_credentials");
        app.token_for("student@demo.local", NEW_PASSWORD).await;
        app.wait_for_mail("student@demo.local", |m| m.subject.contains("password was changed"))
            .await;

        // Used once, never again.
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": token, "new_password": "yet another passphrase"}))
            .await;
        assert_eq!(error_code(res, 400).await, "invalid_token");
        for bad in ["", "garbage", &"A".repeat(43)] {
            let res = app
                .post_json("/api/auth/reset-password", &json!({"token": bad, "new_password": NEW_PASSWORD}))
                .await;
            assert_eq!(error_code(res, 400).await, "invalid_token", "{bad:?}");
        }
        let resets = app
            .count("SELECT COUNT(*) FROM audit_log WHERE event = $1", "password_reset")
            .await;
        assert_eq!(resets, 1);
    }
);

both_backends!(
    async fn expired_mail_tokens_are_refused(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("late@example.com", NEW_PASSWORD).await;
        let verify = app.mailed_token("late@example.com", "verify-email").await;
        app.post_json("/api/auth/forgot-password", &json!({"email": "teacher@demo.local"}))
            .await;
        let reset = app.mailed_token("teacher@demo.local", "reset-password").await;
        app.expire_tokens(Utc::now() - Duration::seconds(1)).await;

        let res = app.post_json("/api/auth/verify-email", &json!({"token": verify})).await;
        assert_eq!(error_code(res, 400).await, "invalid_token");
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": reset, "new_password": NEW_PASSWORD}))
            .await;
        assert_eq!(error_code(res, 400).await, "invalid_token");
        // Nothing changed: still unverified, the old password still works.
        let res = app.sign_in("late@example.com", NEW_PASSWORD).await;
        assert_eq!(error_code(res, 403).await, "email_not_verified");
        app.token_for("teacher@demo.local", DEMO_PASSWORD).await;

        // A fresh link works again.
        let res = app
            .post_json("/api/auth/resend-verification", &json!({"email": "late@example.com"}))
            .await;
        assert_eq!(res.status(), 202);
        let fresh = app
            .wait_for_mail("late@example.com", |m| {
                m.text.contains("/verify-email?token=") && !m.text.contains(&verify)
            })
            .await;
        let fresh = crate::helpers::token_after(&fresh.text, "/verify-email?token=");
        let res = app.post_json("/api/auth/verify-email", &json!({"token": fresh})).await;
        assert_eq!(res.status(), 200);
    }
);

both_backends!(
    async fn two_concurrent_resets_with_one_token_exactly_one_succeeds(backend) {
        let app = TestApp::spawn(backend).await;
        app.post_json("/api/auth/forgot-password", &json!({"email": "student@demo.local"}))
            .await;
        let token = app.mailed_token("student@demo.local", "reset-password").await;
        let first = json!({"token": token, "new_password": "first new passphrase"});
        let second = json!({"token": token, "new_password": "second new passphrase"});
        let (a, b) = tokio::join!(
            app.post_json("/api/auth/reset-password", &first),
            app.post_json("/api/auth/reset-password", &second)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 400]);
        let winner = if a.status() == 204 { "first new passphrase" } else { "second new passphrase" };
        let loser = if a.status() == 204 { "second new passphrase" } else { "first new passphrase" };
        app.token_for("student@demo.local", winner).await;
        assert_eq!(app.sign_in("student@demo.local", loser).await.status(), 401);
    }
);

both_backends!(
    async fn expired_and_garbage_sessions_are_401(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        app.me_ok(&token).await;
        app.expire_sessions(Utc::now() - Duration::seconds(1)).await;
        assert_eq!(error_code(app.me(&token).await, 401).await, "unauthenticated");
        let res = app.get("/api/me").await;
        assert!(res.headers().contains_key("www-authenticate"));
        assert_eq!(error_code(res, 401).await, "unauthenticated");
        for bad in ["x", "", &"A".repeat(43), &"A".repeat(5000)] {
            let res = app.bearer(Method::GET, "/api/me", bad).send().await.unwrap();
            assert_eq!(error_code(res, 401).await, "unauthenticated", "{bad:?}");
        }
        let res = app
            .anonymous(Method::GET, "/api/me")
            .header("authorization", "Basic dXNlcjpwYXNz")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 401).await, "unauthenticated");
    }
);

both_backends!(
    async fn sign_in_is_rate_limited_per_account_and_per_ip_with_retry_after(backend) {
        let app = TestApp::spawn(backend).await;
        for _ in 0..5 {
            assert_eq!(app.sign_in("student@demo.local", "wrong password!!").await.status(), 401);
        }
        // The account's bucket is empty: even the right password waits.
        let res = app.sign_in("student@demo.local", DEMO_PASSWORD).await;
        assert_eq!(res.status(), 429);
        let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_eq!(error_code(res, 429).await, "rate_limited");
        // Other accounts from the same IP go on until the IP's 10 per minute are used.
        for i in 0..4 {
            let email = format!("guess{i}@example.com");
            assert_eq!(app.sign_in(&email, "wrong password!!").await.status(), 401);
        }
        let res = app.sign_in("teacher@demo.local", DEMO_PASSWORD).await;
        assert_eq!(error_code(res, 429).await, "rate_limited");
    }
);

both_backends!(
    async fn cookie_requests_that_change_state_must_come_from_our_origin(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let patch = |name: &str| json!({"display_name": name});

        let foreign = app
            .client
            .patch(app.url("/api/me"))
            .header("cookie", format!("edu_session={token}"))
            .header("origin", "https://evil.example")
            .json(&patch("Evil"))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(foreign, 403).await, "csrf");
        let no_origin = app
            .client
            .patch(app.url("/api/me"))
            .header("cookie", format!("edu_session={token}"))
            .json(&patch("Nobody"))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(no_origin, 403).await, "csrf");
        assert_eq!(app.me_ok(&token).await.display_name, "Demo Student", "nothing changed");

        let same_origin = app
            .with_cookie(Method::PATCH, "/api/me", &token)
            .json(&patch("Same Origin"))
            .send()
            .await
            .unwrap();
        assert_eq!(same_origin.status(), 200);
        let referer = app
            .client
            .patch(app.url("/api/me"))
            .header("cookie", format!("edu_session={token}"))
            .header("referer", app.url("/account"))
            .json(&patch("Via Referer"))
            .send()
            .await
            .unwrap();
        assert_eq!(referer.status(), 200);
        // Bearer requests are exempt: a browser cannot send them cross-site.
        let bearer = app
            .bearer(Method::PATCH, "/api/me", &token)
            .header("origin", "https://evil.example")
            .json(&patch("Bearer"))
            .send()
            .await
            .unwrap();
        assert_eq!(bearer.status(), 200);
        // Reads are never blocked.
        let read = app
            .client
            .get(app.url("/api/me"))
            .header("cookie", format!("edu_session={token}"))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200);
        // A foreign page cannot sign someone in either (login CSRF).
        let login = app
            .client
            .post(app.url("/api/auth/sign-in"))
            .header("origin", "https://evil.example")
            .json(&json!({"email": "student@demo.local", "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(login, 403).await, "csrf");
    }
);

both_backends!(
    async fn profile_update_changes_only_the_given_fields_and_validates_them(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let res = app
            .bearer(Method::PATCH, "/api/me", &token)
            .json(&json!({"display_name": "  Ада  ", "locale": "ru"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let me: Me = res.json().await.unwrap();
        assert_eq!((me.display_name.as_str(), me.locale.code(), me.time_zone.as_str()), ("Ада", "ru", "UTC"));

        for (body, field) in [
            (json!({"time_zone": "Mars/Olympus Mons"}), "time zone"),
            (json!({"display_name": "x".repeat(81), "time_zone": "Asia/Tokyo"}), "display name"),
            (json!({"display_name": ""}), "display name"),
        ] {
            let res = app.bearer(Method::PATCH, "/api/me", &token).json(&body).send().await.unwrap();
            assert_eq!(res.status(), 400, "{body}");
            let error: ErrorBody = res.json().await.unwrap();
            assert!(error.error.message.starts_with(field), "{}", error.error.message);
        }
        assert_eq!(app.me_ok(&token).await, me, "nothing saved by the bad requests");
    }
);

both_backends!(
    async fn changing_the_password_keeps_this_session_and_ends_the_others(backend) {
        let app = TestApp::spawn(backend).await;
        let this = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let other = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

        let res = app.bearer(Method::POST, "/api/me/password", &this)
            .json(&change("not my password", NEW_PASSWORD)).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "wrong_password");
        let res = app.bearer(Method::POST, "/api/me/password", &this)
            .json(&change(DEMO_PASSWORD, "password1")).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");
        app.me_ok(&other).await;
        // A reset link asked for earlier must not outlive the change.
        app.post_json("/api/auth/forgot-password", &json!({"email": "student@demo.local"})).await;
        let reset = app.mailed_token("student@demo.local", "reset-password").await;

        let res = app.bearer(Method::POST, "/api/me/password", &this)
            .json(&change(DEMO_PASSWORD, NEW_PASSWORD)).send().await.unwrap();
        assert_eq!(res.status(), 204);
        app.me_ok(&this).await;
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": reset, "new_password": "a sneaky passphrase"}))
            .await;
        assert_eq!(error_code(res, 400).await, "invalid_token");
        assert_eq!(error_code(app.me(&other).await, 401).await, "unauthenticated");
        assert_eq!(app.sign_in("student@demo.local", DEMO_PASSWORD).await.status(), 401);
        app.token_for("student@demo.local", NEW_PASSWORD).await;
    }
);

both_backends!(
    async fn users_list_and_revoke_only_their_own_sessions(backend) {
        let app = TestApp::spawn(backend).await;
        let a = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let b = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;

        let res = app.bearer(Method::GET, "/api/me/sessions", &a).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let sessions: Vec<SessionInfo> = res.json().await.unwrap();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
        assert!(sessions.iter().all(|s| s.ip.as_deref() == Some("127.0.0.1")));
        let other_id = sessions.iter().find(|s| !s.current).unwrap().id.clone();

        // Another user's session id is not found, and stays alive.
        let path = format!("/api/me/sessions/{other_id}");
        let res = app.bearer(Method::DELETE, &path, &teacher).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        app.me_ok(&b).await;

        let res = app.bearer(Method::DELETE, &path, &a).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(error_code(app.me(&b).await, 401).await, "unauthenticated");
        app.me_ok(&a).await;
        let res = app.bearer(Method::DELETE, &path, &a).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
    }
);

both_backends!(
    async fn a_new_email_takes_effect_only_when_its_link_is_followed(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let change = |email: &str, password: &str| json!({"new_email": email, "current_password": password});

        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&change("new@example.com", "wrong password!")).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "wrong_password");
        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&change("not an email", DEMO_PASSWORD)).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");
        // Taken: the same answer, but no mail goes out.
        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&change("teacher@demo.local", DEMO_PASSWORD)).send().await.unwrap();
        assert_eq!(res.status(), 202);

        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&change("New@Example.com", DEMO_PASSWORD)).send().await.unwrap();
        assert_eq!(res.status(), 202);
        assert_eq!(app.me_ok(&token).await.email, "student@demo.local", "not yet");

        let link = app.mailed_token("New@example.com", "verify-email").await;
        let res = app.post_json("/api/auth/verify-email", &json!({"token": link})).await;
        assert_eq!(res.status(), 200);
        let me: Me = res.json().await.unwrap();
        assert_eq!(me.email, "New@example.com");
        app.wait_for_mail("student@demo.local", |m| m.text.contains("New@example.com")).await;
        assert!(app
            .mailbox("teacher@demo.local")
            .await
            .iter()
            .all(|m| !m.text.contains("/verify-email")));

        app.token_for("new@example.com", DEMO_PASSWORD).await;
        assert_eq!(app.sign_in("student@demo.local", DEMO_PASSWORD).await.status(), 401);
        let changes = app
            .count("SELECT COUNT(*) FROM audit_log WHERE event = $1", "email_changed")
            .await;
        assert_eq!(changes, 1);
    }
);

both_backends!(
    async fn deleting_an_account_removes_personal_data_and_frees_the_address(backend) {
        let app = TestApp::spawn(backend).await;
        let id = app.insert_user("leaving@example.com", Role::Student).await;
        let token = app.token_for("leaving@example.com", DEMO_PASSWORD).await;
        let res = app
            .bearer(Method::POST, "/api/teacher-applications", &token)
            .json(&json!({
                "bio": "I have taught chemistry for ten years.",
                "subject": "Chemistry",
                "link": "https://example.com/me"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let approved = sync_server::notify::Recipient {
            user_id: Some(shared::domain::UserId::parse(&id).unwrap()),
            email: shared::domain::Email::parse("leaving@example.com").unwrap(),
            display_name: "Leaving".into(),
            locale: shared::api::accounts::Locale::En,
        };
        let mut tx = app.db.begin().await.unwrap();
        sync_server::notify::enqueue(&mut tx, &approved, sync_server::notify::Template::TeacherApplicationApproved)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Export before deleting: profile, sessions, applications, security events, notifications.
        let res = app.bearer(Method::GET, "/api/me/export", &token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-disposition"],
            "attachment; filename=\"eduplatform-export.json\""
        );
        let export: serde_json::Value = res.json().await.unwrap();
        assert_eq!(export["profile"]["email"], "leaving@example.com");
        assert_eq!(export["sessions"].as_array().unwrap().len(), 1);
        assert_eq!(export["sessions"][0]["current"], true);
        assert_eq!(export["teacher_applications"][0]["subject"], "Chemistry");
        assert_eq!(export["security_events"][0]["event"], "sign_in");
        assert_eq!(export["notifications"].as_array().unwrap().len(), 1);
        assert_eq!(export["notifications"][0]["read"], false);
        assert!(!export.to_string().contains("argon2"), "no password hash in the export");

        // The password guards the deletion.
        let res = app.bearer(Method::DELETE, "/api/me", &token)
            .json(&json!({"current_password": "not my password"})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "wrong_password");
        app.me_ok(&token).await;

        let res = app.bearer(Method::DELETE, "/api/me", &token)
            .json(&json!({"current_password": DEMO_PASSWORD})).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(error_code(app.me(&token).await, 401).await, "unauthenticated");
        let res = app.sign_in("leaving@example.com", DEMO_PASSWORD).await;
        assert_eq!(error_code(res, 401).await, "invalid_credentials");

        // A tombstone remains: no email, name or password; no sessions or applications.
        let tombstone = app
            .count(
                "SELECT COUNT(*) FROM users WHERE id = $1 AND email IS NULL AND email_key IS NULL \
                 AND password_hash IS NULL AND display_name IS NULL AND deleted_at IS NOT NULL",
                &id,
            )
            .await;
        assert_eq!(tombstone, 1);
        for table in ["sessions", "teacher_applications", "account_tokens", "known_devices"] {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1");
            assert_eq!(app.count(&sql, &id).await, 0, "{table}");
        }
        let traced = app
            .count("SELECT COUNT(*) FROM audit_log WHERE user_id = $1 AND ip IS NOT NULL", &id)
            .await;
        assert_eq!(traced, 0, "no IPs kept for a deleted account");

        // The address is free again.
        app.register("leaving@example.com", NEW_PASSWORD).await;
        app.mailed_token("leaving@example.com", "verify-email").await;
    }
);

// ---- Hardening: forged client IPs, lockout, links that outlive a password, enumeration -----------

/// A sign-in sent through a proxy at 127.0.0.1 that forwards `forwarded_for`, with `cookie`.
async fn sign_in_via_proxy(
    app: &TestApp,
    email: &str,
    password: &str,
    forwarded_for: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/auth/sign-in"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": password}));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.expect("request sent")
}

/// The `name=value` of the cookie `name` a response sets.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn behind_proxy(proxies: &str) -> Options {
    Options {
        env: vec![("EDU_TRUSTED_PROXIES", proxies.to_owned())],
        ..Options::default()
    }
}

both_backends!(
    async fn a_forged_forwarded_for_never_becomes_the_client_ip(backend) {
        let app = TestApp::spawn_with(backend, behind_proxy("127.0.0.0/8")).await;
        // The client sent "203.0.113.9, unknown"; our proxy appended what it saw.
        let cases = [
            ("203.0.113.9, unknown, 198.51.100.7", "198.51.100.7"),
            // Garbage right of the forged entry: the proxy's own address, never the forgery.
            ("203.0.113.9, unknown", "127.0.0.1"),
            ("203.0.113.9, 198.51.100.8, 127.0.0.5", "198.51.100.8"),
        ];
        for (forwarded_for, expected) in cases {
            let res = sign_in_via_proxy(&app, "student@demo.local", DEMO_PASSWORD, forwarded_for, None).await;
            assert_eq!(res.status(), 200, "{forwarded_for}");
            let body: SignInResponse = res.json().await.unwrap();
            let res = app.bearer(Method::GET, "/api/me/sessions", &body.token).send().await.unwrap();
            let sessions: Vec<SessionInfo> = res.json().await.unwrap();
            let current = sessions.iter().find(|s| s.current).unwrap();
            assert_eq!(current.ip.as_deref(), Some(expected), "{forwarded_for}");
        }
        let forged = app
            .count("SELECT COUNT(*) FROM audit_log WHERE ip = $1", "203.0.113.9")
            .await;
        assert_eq!(forged, 0, "the forged address reaches no audit entry");
    }
);

both_backends!(
    async fn strangers_cannot_lock_the_owner_out(backend) {
        let mut options = behind_proxy("127.0.0.1");
        options.rate_limits.sign_in_per_account_all_sources = 10;
        let app = TestApp::spawn_with(backend, options).await;
        let owner = "student@demo.local";

        // The owner's browser signs in once: it becomes known to the account.
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.7", None).await;
        assert_eq!(res.status(), 200);
        let device = set_cookie(&res, "edu_device").expect("a device cookie");
        let teacher_device = {
            let res = sign_in_via_proxy(&app, "teacher@demo.local", DEMO_PASSWORD, "198.51.100.9", None).await;
            set_cookie(&res, "edu_device").expect("a device cookie")
        };

        // One stranger guessing: their own budget runs out...
        for _ in 0..5 {
            let res = sign_in_via_proxy(&app, owner, "a wrong guess!!", "203.0.113.9", None).await;
            assert_eq!(res.status(), 401);
        }
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "203.0.113.9", None).await;
        assert_eq!(error_code(res, 429).await, "rate_limited");
        // ...and the owner, from anywhere else, is not affected, even from a new browser.
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.8", None).await;
        assert_eq!(res.status(), 200);

        // A botnet spreads guesses over many sources until the account-wide ceiling.
        let mut refused = false;
        for n in 10..40 {
            let res = sign_in_via_proxy(&app, owner, "a wrong guess!!", &format!("203.0.113.{n}"), None).await;
            if res.status() == 429 {
                refused = true;
                break;
            }
            assert_eq!(res.status(), 401);
        }
        assert!(refused, "the account-wide ceiling stops a botnet");
        // A new browser now waits, even with the right password...
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.20", None).await;
        assert_eq!(error_code(res, 429).await, "rate_limited");
        // ...and so do forged device cookies and another account's...
        let forged = format!("edu_device={}", "A".repeat(43));
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.20", Some(&forged)).await;
        assert_eq!(res.status(), 429);
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.20", Some(&teacher_device)).await;
        assert_eq!(res.status(), 429);
        // ...but the owner's own browser signs in.
        let res = sign_in_via_proxy(&app, owner, DEMO_PASSWORD, "198.51.100.20", Some(&device)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(set_cookie(&res, "edu_device"), None, "a known browser keeps its cookie");
    }
);

both_backends!(
    async fn a_password_change_or_reset_ends_a_pending_email_change_link(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let move_to = |email: &str, password: &str| json!({"new_email": email, "current_password": password});

        // Someone with the session asks to move the account to their address...
        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&move_to("thief@example.net", DEMO_PASSWORD)).send().await.unwrap();
        assert_eq!(res.status(), 202);
        let stolen = app.mailed_token("thief@example.net", "verify-email").await;
        // ...the owner changes the password: the link is dead.
        let res = app.bearer(Method::POST, "/api/me/password", &token)
            .json(&json!({"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}))
            .send().await.unwrap();
        assert_eq!(res.status(), 204);
        let res = app.post_json("/api/auth/verify-email", &json!({"token": stolen})).await;
        assert_eq!(error_code(res, 400).await, "invalid_token");

        // The same after a reset by mail.
        let res = app.bearer(Method::POST, "/api/me/email", &token)
            .json(&move_to("thief2@example.net", NEW_PASSWORD)).send().await.unwrap();
        assert_eq!(res.status(), 202);
        let stolen = app.mailed_token("thief2@example.net", "verify-email").await;
        app.post_json("/api/auth/forgot-password", &json!({"email": "student@demo.local"})).await;
        let reset = app.mailed_token("student@demo.local", "reset-password").await;
        let res = app
            .post_json("/api/auth/reset-password", &json!({"token": reset, "new_password": "the owner's third passphrase"}))
            .await;
        assert_eq!(res.status(), 204);
        let res = app.post_json("/api/auth/verify-email", &json!({"token": stolen})).await;
        assert_eq!(error_code(res, 400).await, "invalid_token");
        let token = app.token_for("student@demo.local", "the owner's third passphrase").await;
        assert_eq!(app.me_ok(&token).await.email, "student@demo.local");
    }
);

both_backends!(
    async fn sessions_end_ninety_days_after_sign_in_however_often_used(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let age = |days: i64| {
            let db = app.db.clone();
            async move {
                crate::on_db!(&db, pool => sqlx::query("UPDATE sessions SET created_at = $1, last_seen_at = $1")
                    .bind(Utc::now() - Duration::days(days))
                    .execute(pool).await.unwrap().rows_affected());
            }
        };
        // Used all along: still alive at 89 days, but never beyond 90.
        age(89).await;
        app.me_ok(&token).await;
        let res = app.bearer(Method::GET, "/api/me/sessions", &token).send().await.unwrap();
        let sessions: Vec<SessionInfo> = res.json().await.unwrap();
        let expires: chrono::DateTime<Utc> = sessions[0].expires_at.as_str().parse().unwrap();
        assert!(expires <= Utc::now() + Duration::days(1) + Duration::seconds(5), "{expires}");
        age(91).await;
        assert_eq!(error_code(app.me(&token).await, 401).await, "unauthenticated");
    }
);

both_backends!(
    async fn a_look_alike_address_cannot_take_anothers_key(backend) {
        let app = TestApp::spawn(backend).await;
        // U+212A KELVIN SIGN lowercases to "k": it would have taken kate@'s key.
        let res = app
            .post_json(
                "/api/auth/register",
                &json!({"email": "\u{212A}ate@example.com", "password": NEW_PASSWORD,
                        "display_name": "Kate", "locale": "en", "time_zone": "UTC"}),
            )
            .await;
        assert_eq!(error_code(res, 400).await, "validation_failed");
        app.register("kate@example.com", NEW_PASSWORD).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email_key = $1", "kate@example.com").await, 1);
    }
);

both_backends!(
    async fn housekeeping_keeps_the_twenty_most_recent_devices_of_an_account(backend) {
        let app = TestApp::spawn(backend).await;
        let id = app.insert_user("many.devices@example.com", Role::Student).await;
        let user = shared::domain::UserId::parse(&id).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        for _ in 0..25 {
            sync_server::identity::devices::remember(&mut tx, &user).await.unwrap();
        }
        tx.commit().await.unwrap();
        let count = "SELECT COUNT(*) FROM known_devices WHERE user_id = $1";
        // 25: a sign-in only inserts; 20 if the app's own start-up housekeeping, which runs beside
        // the test, got there first, before or during our purge (then ours finds nothing to do).
        let before = app.count(count, &id).await;
        let purged = sync_server::identity::devices::purge_expired(&app.db).await.unwrap() as i64;
        assert!(
            purged == before - 20 || purged == 0,
            "{before} devices, purged {purged}"
        );
        assert_eq!(app.count(count, &id).await, 20);
    }
);
