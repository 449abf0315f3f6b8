//! Spaced repetition on the server: reminder settings in the profile, the one-click unsubscribe
//! link and its forgeries, "cards are due" reminders at each learner's own hour (time zones,
//! opt-out, nothing due, never twice, even from two server processes on one PostgreSQL).

use chrono::{DateTime, Duration, Timelike as _, Utc};
use reqwest::Method;
use serde_json::json;
use shared::api::accounts::Me;
use shared::doc::{new_event_id, CardSource, Event, EventKind, NewCard};
use shared::domain::UserId;
use shared::srs::Rating;
use sync_server::srs::reminders::{self, UnsubscribeKey};

use crate::both_backends;
use crate::helpers::{error_code, ServerProcess, TestApp};
use crate::sync::{demo_student, student, Device, SyncClient};

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

/// Appends a new card of the learner's own, created at `at`: due at once.
fn add_card(device: &mut Device, at: &str) -> String {
    let card_id = new_event_id();
    let event = Event::new(
        EventKind::CardCreated(NewCard {
            card_id: card_id.clone(),
            front: "2 + 2".into(),
            back: "4".into(),
            source: CardSource::Own,
            lesson_id: None,
            tags: String::new(),
        }),
        at,
    );
    device.doc.append(&event).unwrap();
    card_id
}

/// Appends `kind` at `at`; the event's id.
fn append(device: &mut Device, kind: EventKind, at: &str) -> String {
    let event = Event::new(kind, at);
    device.doc.append(&event).unwrap();
    event.id
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Sets `token`'s user's zone and reminder hour (turning reminders on).
async fn remind_at(app: &TestApp, token: &str, zone: &str, hour: u32) {
    let res = patch_me(
        app,
        token,
        json!({"time_zone": zone, "reminder_hour": hour, "card_reminders": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
}

/// A learner with `cards` cards due (synced from a device), reminded in `zone` at `hour`.
async fn learner_with_cards(
    app: &TestApp,
    email: &str,
    zone: &str,
    hour: u32,
    cards: usize,
) -> (String, String) {
    let (user, token) = student(app, email).await;
    remind_at(app, &token, zone, hour).await;
    let mut device = Device::started("phone");
    let at = rfc3339(Utc::now());
    for _ in 0..cards {
        add_card(&mut device, &at);
    }
    SyncClient::of(app, &token)
        .sync(&format!("profile-{user}"), &mut device)
        .await;
    (user, token)
}

async fn reminder_rows(app: &TestApp, user: &str) -> Vec<(String, i64)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as("SELECT local_date, CAST(due_count AS BIGINT) FROM card_reminders WHERE user_id = $1 ORDER BY local_date")
            .bind(user).fetch_all(pool).await.unwrap()
    })
}

async fn notifications_of(app: &TestApp, user: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'cards_due' AND user_id = $1",
        user,
    )
    .await
}

/// A time a day and `hours` hours from now, on the hour plus 10 minutes: never the hour the app's
/// own sweeps see, so only the test's sweeps can match.
fn later(hours: i64) -> DateTime<Utc> {
    let at = Utc::now() + Duration::days(1) + Duration::hours(hours);
    at.with_minute(10).unwrap().with_second(0).unwrap()
}

both_backends!(
    async fn learners_far_east_and_far_west_are_reminded_at_their_own_hour(backend) {
        let app = TestApp::spawn(backend).await;
        let at = later(6);
        let (east_hour, east_date) = reminders::local_hour_and_date(at, "Pacific/Kiritimati"); // UTC+14
        let (west_hour, west_date) = reminders::local_hour_and_date(at, "Pacific/Honolulu"); // UTC-10
        assert_ne!(east_date, west_date, "a day apart at the same instant");
        let (east, _) = learner_with_cards(&app, "east@example.com", "Pacific/Kiritimati", east_hour, 2).await;
        let (west, _) = learner_with_cards(&app, "west@example.com", "Pacific/Honolulu", west_hour, 1).await;
        // Someone in UTC whose hour is the next one.
        let (utc_hour, utc_date) = reminders::local_hour_and_date(at + Duration::hours(1), "UTC");
        let (utc, _) = learner_with_cards(&app, "utc@example.com", "UTC", utc_hour, 3).await;

        assert_eq!(reminders::sweep(&app.db, at).await.unwrap(), 2);
        assert_eq!(reminder_rows(&app, &east).await, vec![(east_date, 2)]);
        assert_eq!(reminder_rows(&app, &west).await, vec![(west_date, 1)]);
        assert!(reminder_rows(&app, &utc).await.is_empty());
        // Later in the same hour: nothing more.
        assert_eq!(reminders::sweep(&app.db, at + Duration::minutes(30)).await.unwrap(), 0);
        // The next hour is the UTC learner's, and no one else's.
        assert_eq!(reminders::sweep(&app.db, at + Duration::hours(1)).await.unwrap(), 1);
        assert_eq!(reminder_rows(&app, &utc).await, vec![(utc_date, 3)]);

        for (email, count) in [("east@example.com", "2 cards"), ("west@example.com", "1 card is"), ("utc@example.com", "3 cards")] {
            let mail = app.wait_for_mail(email, |m| m.subject.contains("due for review")).await;
            assert!(mail.subject.contains(count), "{}", mail.subject);
            assert_eq!(app.mailbox(email).await.len(), 1, "{email}");
        }
        for user in [&east, &west, &utc] {
            assert_eq!(notifications_of(&app, user).await, 1);
        }
    }
);

both_backends!(
    async fn nobody_opted_out_or_with_nothing_due_is_reminded(backend) {
        let app = TestApp::spawn(backend).await;
        let at = later(3);
        let (hour, _) = reminders::local_hour_and_date(at, "Europe/Moscow");
        // Opted out (in the account page).
        let (quiet, quiet_token) = learner_with_cards(&app, "quiet@example.com", "Europe/Moscow", hour, 2).await;
        assert_eq!(patch_me(&app, &quiet_token, json!({"card_reminders": false})).await.status(), 200);
        // No cards at all.
        let (idle, _) = learner_with_cards(&app, "idle@example.com", "Europe/Moscow", hour, 0).await;
        // Cards, but one suspended and the other deleted.
        let (shelved, shelved_token) = student(&app, "shelved@example.com").await;
        remind_at(&app, &shelved_token, "Europe/Moscow", hour).await;
        let mut device = Device::started("phone");
        let now = rfc3339(Utc::now());
        let first = add_card(&mut device, &now);
        let second = add_card(&mut device, &now);
        append(&mut device, EventKind::CardSuspended { card_id: first }, &now);
        append(&mut device, EventKind::CardDeleted { card_id: second }, &now);
        SyncClient::of(&app, &shelved_token).sync(&format!("profile-{shelved}"), &mut device).await;
        // Cards reviewed so well they are due only in days.
        let (done, done_token) = student(&app, "done@example.com").await;
        remind_at(&app, &done_token, "Europe/Moscow", hour).await;
        let mut device = Device::started("phone");
        let card = add_card(&mut device, &now);
        append(&mut device, EventKind::CardReviewed { card_id: card, rating: Rating::Easy, duration_ms: 2000 }, &now);
        SyncClient::of(&app, &done_token).sync(&format!("profile-{done}"), &mut device).await;

        assert_eq!(reminders::sweep(&app.db, at).await.unwrap(), 0);
        for user in [&quiet, &idle, &shelved, &done] {
            assert!(reminder_rows(&app, user).await.is_empty());
            assert_eq!(notifications_of(&app, user).await, 0);
        }
        assert!(app.mailbox("quiet@example.com").await.is_empty());
    }
);

both_backends!(
    async fn the_mails_unsubscribe_link_works_once_clicked_and_never_for_anyone_else(backend) {
        let app = TestApp::spawn(backend).await;
        let at = later(2);
        let (hour, _) = reminders::local_hour_and_date(at, "Asia/Tokyo");
        let (ada, ada_token) = learner_with_cards(&app, "ada@example.com", "Asia/Tokyo", hour, 1).await;
        let (_, bob_token) = learner_with_cards(&app, "bob@example.com", "Asia/Tokyo", hour, 1).await;
        assert_eq!(reminders::sweep(&app.db, at).await.unwrap(), 2);
        let mail = app.wait_for_mail("ada@example.com", |m| m.list_unsubscribe.is_some()).await;
        let one_click_url = mail.list_unsubscribe.clone().unwrap();
        assert!(one_click_url.starts_with(&app.url("/api/reminders/unsubscribe?token=")), "{one_click_url}");
        let token = one_click_url.split_once("token=").unwrap().1.to_owned();
        assert!(token.starts_with(&ada), "the token names its user");
        assert!(mail.text.contains(&format!("/unsubscribe?token={token}")), "{}", mail.text);
        assert!(mail.html.contains(&format!("/unsubscribe?token={token}")), "{}", mail.html);

        // Tampered: Ada's token with a changed signature, or moved onto Bob's id.
        let bob = app.me_ok(&bob_token).await.id;
        let (_, signature) = token.split_once('.').unwrap();
        let swapped = if signature.starts_with('B') { 'C' } else { 'B' };
        for forged in [format!("{ada}.{swapped}{}", &signature[1..]), format!("{bob}.{signature}")] {
            let res = one_click(&app, &app.url(&format!("/api/reminders/unsubscribe?token={forged}"))).await;
            assert_eq!(error_code(res, 400).await, "invalid_token");
        }
        assert!(app.me_ok(&ada_token).await.card_reminders);
        assert!(app.me_ok(&bob_token).await.card_reminders);

        // The real one, as a mail client sends it: Ada is out, Bob is not.
        assert_eq!(one_click(&app, &one_click_url).await.status(), 204);
        assert!(!app.me_ok(&ada_token).await.card_reminders);
        assert!(app.me_ok(&bob_token).await.card_reminders);
        // The next day at her hour: nothing for Ada, Bob's as usual.
        assert_eq!(reminders::sweep(&app.db, at + Duration::days(1)).await.unwrap(), 1);
        assert_eq!(reminder_rows(&app, &ada).await.len(), 1);
        // Claims older than the days kept go at a sweep; the last days' stay.
        let kept = reminder_rows(&app, bob.as_str()).await.len();
        assert_eq!(kept, 2);
        let far = at + Duration::days(reminders::CLAIMS_KEPT_DAYS + 2);
        reminders::sweep(&app.db, far).await.unwrap();
        assert!(reminder_rows(&app, &ada).await.is_empty());
        assert!(reminder_rows(&app, bob.as_str()).await.iter().all(|(date, _)| *date >= (far - Duration::days(reminders::CLAIMS_KEPT_DAYS)).date_naive().to_string()));
    }
);

/// Two real server processes on one PostgreSQL database, each sweeping every second: the learner
/// at their hour gets one reminder, one mail and one notification, however many sweeps ran.
#[tokio::test]
async fn two_server_processes_on_one_postgres_remind_once() {
    let database = crate::helpers::FreshDatabase::create(crate::helpers::Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let vars = [("EDU_REMINDER_SWEEP_SECS", "1"), ("EDU_DEV_MODE", "true")];
    let first = ServerProcess::start_with(&database.url, dir.path(), &vars);
    let second = ServerProcess::start_with(&database.url, dir.path(), &vars);
    let http = reqwest::Client::new();
    let (token, doc) = demo_student(&http, &first.url).await;
    // Cards first, then the hour: the learner becomes due for a reminder now.
    let client = SyncClient::at(&second.url, &token);
    let mut device = Device::started("phone");
    let now = rfc3339(Utc::now());
    for _ in 0..3 {
        add_card(&mut device, &now);
    }
    client.sync(&doc, &mut device).await;
    // Not in the last seconds of an hour, so the hour set is still the hour when the sweeps run.
    let now = Utc::now();
    if now.minute() == 59 && now.second() > 40 {
        tokio::time::sleep(std::time::Duration::from_secs(25)).await;
    }
    let zone = "Pacific/Kiritimati";
    let (hour, date) = reminders::local_hour_and_date(Utc::now(), zone);
    let res = http
        .patch(format!("{}/api/me", first.url))
        .bearer_auth(&token)
        .json(&json!({"time_zone": zone, "reminder_hour": hour}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let reminder_mail = |url: String| {
        let http = http.clone();
        async move {
            let mail: Vec<serde_json::Value> = http
                .get(format!("{url}/api/dev/mailbox?to=student@demo.local"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            mail.into_iter()
                .filter(|m| {
                    m["subject"]
                        .as_str()
                        .unwrap_or("")
                        .contains("due for review")
                })
                .count()
        }
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while reminder_mail(first.url.clone()).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no reminder within 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Both processes go on sweeping every second.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(reminder_mail(second.url.clone()).await, 1);
    let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
    let sweeps: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'card_reminder_sweep'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(sweeps >= 4, "the processes swept {sweeps} times");
    let rows: Vec<(String, i32)> =
        sqlx::query_as("SELECT local_date, due_count FROM card_reminders")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows, vec![(date, 3)]);
    let notifications: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'cards_due'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(notifications, 1);
    let mail_jobs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'card_reminder'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(mail_jobs, 1);
    pool.close().await;
}

/// `(card_id, due_ms, phase, suspended, deleted)` of `user`'s projected cards.
async fn projected_cards(app: &TestApp, user: &str) -> Vec<(String, i64, String, bool, bool)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT card_id, due_ms, phase, suspended, deleted FROM srs_cards \
             WHERE user_id = $1 ORDER BY card_id",
        )
        .bind(user).fetch_all(pool).await.unwrap()
    })
}

/// `(event_id, card_id, rating)` of `user`'s projected review log, in time order.
async fn projected_reviews(app: &TestApp, user: &str) -> Vec<(String, String, i32)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT event_id, card_id, rating FROM srs_reviews WHERE user_id = $1 \
             ORDER BY reviewed_at_ms, event_id",
        )
        .bind(user).fetch_all(pool).await.unwrap()
    })
}

both_backends!(
    async fn synced_cards_are_projected_as_the_devices_schedule_them(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "cards@example.com").await;
        let doc = format!("profile-{user}");
        let client = SyncClient::of(&app, &token);
        let mut laptop = Device::started("laptop");
        let t0 = Utc::now() - Duration::days(3);
        let kept = add_card(&mut laptop, &rfc3339(t0));
        let paused = add_card(&mut laptop, &rfc3339(t0));
        let gone = add_card(&mut laptop, &rfc3339(t0));
        client.sync(&doc, &mut laptop).await;
        assert_eq!(projected_cards(&app, &user).await.len(), 3);

        let review = |card: &str, rating| EventKind::CardReviewed { card_id: card.to_owned(), rating, duration_ms: 1500 };
        let good = append(&mut laptop, review(&kept, Rating::Good), &rfc3339(t0 + Duration::minutes(1)));
        let hard = append(&mut laptop, review(&kept, Rating::Hard), &rfc3339(t0 + Duration::days(2)));
        append(&mut laptop, EventKind::CardSuspended { card_id: paused.clone() }, &rfc3339(t0 + Duration::days(2)));
        append(&mut laptop, EventKind::CardDeleted { card_id: gone.clone() }, &rfc3339(t0 + Duration::days(2)));
        // A forged clock: a review dated a week ahead changes no schedule and is not in the log.
        let future = append(&mut laptop, review(&kept, Rating::Again), &rfc3339(Utc::now() + Duration::days(7)));
        client.sync(&doc, &mut laptop).await;

        // The server's schedule is the device's own, from the same events.
        let now_ms = Utc::now().timestamp_millis();
        let scheduler = shared::doc::cards::scheduler(&shared::srs::Params::default());
        let on_device = shared::doc::cards::cards(&laptop.doc.events(), &scheduler, now_ms);
        let device_kept = on_device.iter().find(|c| c.id == kept).unwrap();
        assert_eq!(device_kept.reviews.len(), 2, "the future review does not count");
        let rows = projected_cards(&app, &user).await;
        let row = |id: &str| rows.iter().find(|r| r.0 == id).unwrap().clone();
        assert_eq!(row(&kept).1, device_kept.schedule.due_ms);
        assert_eq!((row(&kept).3, row(&kept).4), (false, false));
        let phase = match device_kept.schedule.phase {
            shared::srs::Phase::Learning => "learning",
            shared::srs::Phase::Review => "review",
            shared::srs::Phase::Relearning => "relearning",
        };
        assert_eq!(row(&kept).2, phase);
        assert!(row(&kept).1 > t0.timestamp_millis() + Duration::days(2).num_milliseconds());
        assert_eq!((row(&paused).3, row(&paused).4), (true, false));
        assert_eq!((row(&gone).3, row(&gone).4), (false, true));
        let log = projected_reviews(&app, &user).await;
        assert_eq!(log, vec![(good.clone(), kept.clone(), 3), (hard.clone(), kept.clone(), 2)]);
        assert!(!log.iter().any(|r| r.0 == future));

        // Re-projection changes nothing: another device syncing, and every event recorded again.
        let mut phone = Device::empty("phone");
        client.sync(&doc, &mut phone).await;
        let doc_id = shared::domain::DocId::parse(&doc).unwrap();
        let user_id = UserId::parse(&user).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        sync_server::srs::cards::record(&mut tx, &user_id, &doc_id, &phone.doc, &phone.doc.events(), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(projected_cards(&app, &user).await, rows);
        assert_eq!(projected_reviews(&app, &user).await, log);
    }
);

both_backends!(
    async fn new_parameters_in_the_profile_reschedule_the_cards_of_course_documents_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "params@example.com").await;
        let course = app.published_course("parameters-course").await;
        app.enroll(&token, &course.id).await;
        let client = SyncClient::of(&app, &token);
        // A mistake card in the course's document, reviewed into its review phase.
        let progress = format!("progress-{user}-{}", course.id);
        let mut laptop = Device::started("laptop");
        let t0 = Utc::now() - Duration::days(10);
        let card = add_card(&mut laptop, &rfc3339(t0));
        let review = |rating| EventKind::CardReviewed { card_id: card.clone(), rating, duration_ms: 1500 };
        append(&mut laptop, review(Rating::Good), &rfc3339(t0 + Duration::minutes(1)));
        append(&mut laptop, review(Rating::Good), &rfc3339(t0 + Duration::minutes(12)));
        append(&mut laptop, review(Rating::Good), &rfc3339(t0 + Duration::days(3)));
        client.sync(&progress, &mut laptop).await;
        let due = |rows: Vec<(String, i64, String, bool, bool)>| rows.iter().find(|r| r.0 == card).unwrap().1;
        let before = due(projected_cards(&app, &user).await);
        let now_ms = Utc::now().timestamp_millis();
        let expected = |params: &shared::srs::Params| {
            let scheduler = shared::doc::cards::scheduler(params);
            let cards = shared::doc::cards::cards(&laptop.doc.events(), &scheduler, now_ms);
            cards.iter().find(|c| c.id == card).unwrap().schedule.due_ms
        };
        assert_eq!(before, expected(&shared::srs::Params::default()));

        // Other weights arrive in the profile (as the server's fit writes them): the course
        // card's due time follows at once, as the device will compute it.
        let mut weights = shared::srs::DEFAULT_WEIGHTS.to_vec();
        weights[8] *= 0.5;
        weights[10] *= 0.5;
        let mut phone = Device::started("phone");
        let fitted = shared::doc::FittedParameters { weights: weights.clone(), log_loss_before: 0.33, log_loss_after: 0.32, review_count: 3000 };
        append(&mut phone, EventKind::SrsParameters(fitted), &rfc3339(Utc::now()));
        client.sync(&format!("profile-{user}"), &mut phone).await;
        let after = due(projected_cards(&app, &user).await);
        let params = shared::doc::cards::params(&phone.doc.events());
        assert_eq!(params.weights, weights);
        assert_eq!(after, expected(&params));
        assert_ne!(after, before, "the new weights give another interval");
    }
);

both_backends!(
    async fn enough_synced_reviews_bring_personal_parameters_to_every_device(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "fit@example.com").await;
        let doc = format!("profile-{user}");
        let client = SyncClient::of(&app, &token);
        let mut laptop = Device::started("laptop");
        // 250 cards reviewed 9 times each over a year: 2,250 reviews, past the threshold.
        let start = Utc::now() - Duration::days(400);
        let gaps = [0, 1, 3, 7, 14, 30, 60, 120, 240];
        for i in 0..250i64 {
            let created = start + Duration::hours(i);
            let card = add_card(&mut laptop, &rfc3339(created));
            for (k, gap) in gaps.iter().enumerate() {
                let rating = match (i * 7 + k as i64 * 3) % 10 {
                    0 => Rating::Again,
                    1 => Rating::Hard,
                    2 => Rating::Easy,
                    _ => Rating::Good,
                };
                let at = created + Duration::days(*gap) + Duration::minutes(5);
                append(&mut laptop, EventKind::CardReviewed { card_id: card.clone(), rating, duration_ms: 3000 }, &rfc3339(at));
            }
        }
        assert!(250 * gaps.len() >= shared::srs::fit::MIN_REVIEWS);
        client.sync(&doc, &mut laptop).await;
        assert_eq!(projected_reviews(&app, &user).await.len(), 2250);

        // The job fits them and writes the parameters into the profile document as the server.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            let done = app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'srs_fit' AND status = 'done' AND user_id = $1", &user).await;
            if done == 1 {
                break;
            }
            let failed = app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'srs_fit' AND status = 'failed' AND user_id = $1", &user).await;
            assert_eq!(failed, 0, "the fit failed");
            assert!(std::time::Instant::now() < deadline, "no fit within 300 s");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let fitted = |device: &Device| -> Vec<shared::doc::FittedParameters> {
            device.doc.events().into_iter().filter_map(|e| match e.kind {
                EventKind::SrsParameters(fitted) => Some(fitted),
                _ => None,
            }).collect()
        };
        // A device syncing afterwards gets them, and so does the one that sent the reviews.
        let mut phone = Device::empty("phone");
        client.sync(&doc, &mut phone).await;
        let on_phone = fitted(&phone);
        assert_eq!(on_phone.len(), 1, "{on_phone:?}");
        assert_eq!(on_phone[0].review_count, 2250);
        assert_eq!(on_phone[0].weights.len(), 21);
        assert!(on_phone[0].log_loss_after <= on_phone[0].log_loss_before, "{:?}", on_phone[0]);
        client.sync(&doc, &mut laptop).await;
        assert_eq!(fitted(&laptop), on_phone);
        assert_eq!(shared::doc::cards::params(&laptop.doc.events()).weights, on_phone[0].weights);
        // Written by the server's own actor, not a device's.
        let server_actor = automerge::ActorId::from(sync_server::sync::SERVER_ACTOR);
        let authors: Vec<_> = phone
            .doc
            .automerge()
            .get_changes(&[])
            .into_iter()
            .map(|c| c.actor_id().clone())
            .collect();
        assert!(authors.contains(&server_actor));

        // More reviews this week queue no second fit.
        let card = add_card(&mut laptop, &rfc3339(Utc::now()));
        append(&mut laptop, EventKind::CardReviewed { card_id: card, rating: Rating::Good, duration_ms: 1000 }, &rfc3339(Utc::now()));
        client.sync(&doc, &mut laptop).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'srs_fit' AND user_id = $1", &user).await, 1);
    }
);
