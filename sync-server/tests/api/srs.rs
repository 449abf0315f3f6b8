//! Spaced repetition on the server: reminder settings in the profile, the one-click unsubscribe
//! link and its forgeries, "cards are due" reminders at each learner's own hour (time zones,
//! opt-out, nothing due, never twice, even from two server processes on one PostgreSQL).

use reqwest::Method;
use serde_json::json;
use shared::api::accounts::Me;
use shared::domain::UserId;
use sync_server::srs::reminders::UnsubscribeKey;

use crate::both_backends;
use crate::helpers::{error_code, TestApp};
use crate::sync::student;

/// PATCHes `/api/me` with `body` as `token`'s user.
async fn patch_me(app: &TestApp, token: &str, body: serde_json::Value) -> reqwest::Response {
    app.bearer(Method::PATCH, "/api/me", token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

both_backends!(
    async fn reminder_settings_are_part_of_the_profile(backend) {
        let app = TestApp::spawn(backend).await;
        let (_, token) = student(&app, "settings@example.com").await;
        let me = app.me_ok(&token).await;
        assert_eq!((me.reminder_hour, me.card_reminders), (18, true), "the defaults");

        let res = patch_me(&app, &token, json!({"reminder_hour": 7, "card_reminders": false})).await;
        assert_eq!(res.status(), 200);
        let me: Me = res.json().await.unwrap();
        assert_eq!((me.reminder_hour, me.card_reminders), (7, false));
        // Only what is given changes.
        let res = patch_me(&app, &token, json!({"time_zone": "Asia/Tokyo"})).await;
        let me: Me = res.json().await.unwrap();
        assert_eq!((me.time_zone.as_str(), me.reminder_hour, me.card_reminders), ("Asia/Tokyo", 7, false));
        let res = patch_me(&app, &token, json!({"reminder_hour": 0, "card_reminders": true})).await;
        let me: Me = res.json().await.unwrap();
        assert_eq!((me.reminder_hour, me.card_reminders), (0, true));

        // Hours of no day, and values of the wrong type, change nothing.
        let res = patch_me(&app, &token, json!({"reminder_hour": 24})).await;
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed", "{body}");
        assert_eq!(body["error"]["field"], "reminder_hour", "{body}");
        for bad in [json!({"reminder_hour": -1}), json!({"reminder_hour": "18"}), json!({"card_reminders": "no"})] {
            assert_eq!(error_code(patch_me(&app, &token, bad.clone()).await, 400).await, "bad_request", "{bad}");
        }
        let me = app.me_ok(&token).await;
        assert_eq!((me.reminder_hour, me.card_reminders), (0, true));
    }
);

/// POSTs the one-click unsubscribe as a mail client does (RFC 8058), with no session.
async fn one_click(app: &TestApp, url: &str) -> reqwest::Response {
    app.client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

both_backends!(
    async fn an_unsubscribe_token_turns_off_only_its_own_users_reminders(backend) {
        let app = TestApp::spawn(backend).await;
        let (ada, ada_token) = student(&app, "ada@example.com").await;
        let (_, bob_token) = student(&app, "bob@example.com").await;
        let key = UnsubscribeKey::load(&app.db).await.unwrap();
        let token = key.token(&UserId::parse(&ada).unwrap());

        // Forged: Ada's signature on Bob's id, an altered signature, no signature, garbage, no
        // token at all. None changes anything.
        let bob = app.me_ok(&bob_token).await.id;
        let (_, signature) = token.split_once('.').unwrap();
        let altered = {
            let mut forged = token.clone().into_bytes();
            let i = ada.len() + 5;
            forged[i] = if forged[i] == b'x' { b'y' } else { b'x' };
            String::from_utf8(forged).unwrap()
        };
        for forged in [
            format!("{bob}.{signature}"),
            altered,
            format!("{ada}."),
            ada.clone(),
            "x".repeat(80),
        ] {
            let res = one_click(&app, &app.url(&format!("/api/reminders/unsubscribe?token={forged}"))).await;
            assert_eq!(error_code(res, 400).await, "invalid_token", "{forged}");
        }
        let res = one_click(&app, &app.url("/api/reminders/unsubscribe")).await;
        assert_eq!(error_code(res, 400).await, "bad_request");
        assert!(app.me_ok(&ada_token).await.card_reminders);
        assert!(app.me_ok(&bob_token).await.card_reminders);

        // The real one, without signing in: Ada's reminders go off, Bob's stay; again is fine.
        for _ in 0..2 {
            let res = one_click(&app, &app.url(&format!("/api/reminders/unsubscribe?token={token}"))).await;
            assert_eq!(res.status(), 204);
        }
        assert!(!app.me_ok(&ada_token).await.card_reminders);
        assert!(app.me_ok(&bob_token).await.card_reminders);
        // A GET (a link scanner) changes nothing.
        assert_eq!(app.get(&format!("/api/reminders/unsubscribe?token={token}")).await.status(), 405);
    }
);
