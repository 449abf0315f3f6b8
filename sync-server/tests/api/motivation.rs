//! Motivation on the server: XP, streak and badges projected from real sync messages (the
//! server's judge: a quiz the device claims passed but the server scores failed earns nothing, a
//! forged total or a future date changes nothing), the opt-in weekly course leaderboard (who may
//! read and join it, ties, leaving), and the "streak at risk" reminder (once a day, opt-out, even
//! from two server processes on one PostgreSQL).

use std::time::{Duration as StdDuration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use chrono::{DateTime, Duration, Timelike as _, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use shared::api::accounts::Me;
use shared::api::motivation::{LeaderboardView, MotivationView};
use shared::api::quizzes::QuizView;
use shared::doc::{new_event_id, Event, EventKind, LearnerDoc, QuizAttempt};
use shared::domain::{LessonId, UserId};
use shared::srs::Rating;
use sync_server::motivation::{self, reminders};

use crate::authoring::send;
use crate::both_backends;
use crate::helpers::{error_code, CourseSpec, Role, ServerProcess, TestApp, DEMO_PASSWORD};
use crate::sync::{demo_student, student, Device, SyncClient};

const TEACHER: &str = "teacher@demo.local";

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Publishes a quiz on `lesson` of `course`: "2 + 2?" (right: option 1) and "The sky is blue"
/// (true). Returns its version's question ids.
async fn publish_quiz(
    app: &TestApp,
    teacher: &str,
    course: &str,
    lesson: &str,
) -> (String, String) {
    let path = format!("/api/courses/{course}/lessons/{lesson}/quiz");
    send(
        app,
        teacher,
        Method::POST,
        &format!("{path}/questions"),
        Some(json!({"questions": [
            {"prompt": "2 + 2?", "kind": "single_choice", "options": ["3", "4"], "correct": 1},
            {"prompt": "The sky is blue", "kind": "true_false", "correct": true}
        ]})),
        201,
    )
    .await;
    let quiz: QuizView = serde_json::from_value(
        send(
            app,
            teacher,
            Method::POST,
            &format!("{path}/versions"),
            None,
            201,
        )
        .await,
    )
    .unwrap();
    (quiz.questions[0].id.clone(), quiz.questions[1].id.clone())
}

/// A quiz attempt that claims to pass with 100 %, whatever its answers.
fn attempt(lesson: &str, answers: Value, at: &str) -> Event {
    Event::new(
        EventKind::QuizAttempt(QuizAttempt {
            lesson_id: LessonId::parse(lesson).unwrap(),
            quiz_version: 1,
            answers: answers.to_string(),
            score_percent: 100,
            passed: true,
            duration_ms: 20_000,
        }),
        at,
    )
}

/// Appends to `device`'s document an event of a kind the schema does not know, `xp_total`,
/// claiming a huge total, as a forging client would.
fn forge_total(device: &mut Device, at: &str) {
    let mut raw = AutoCommit::load(&device.doc.save()).unwrap();
    let events = match raw.get(ROOT, "events").unwrap() {
        Some((_, id)) => id,
        None => raw.put_object(ROOT, "events", ObjType::List).unwrap(),
    };
    let index = raw.length(&events);
    let event = raw.insert_object(&events, index, ObjType::Map).unwrap();
    raw.put(&event, "id", new_event_id()).unwrap();
    raw.put(&event, "kind", "xp_total").unwrap();
    raw.put(&event, "at", at).unwrap();
    raw.put(&event, "total", 1_000_000_000i64).unwrap();
    raw.put(&event, "badges", "first_course,streak_30").unwrap();
    raw.commit();
    device.doc = LearnerDoc::load(&raw.save()).unwrap();
}

async fn my_motivation(app: &TestApp, token: &str) -> MotivationView {
    serde_json::from_value(send(app, token, Method::GET, "/api/me/motivation", None, 200).await)
        .unwrap()
}

/// Waits (up to 40 s: a refresh runs when its 10-second window ends) until `token`'s figures
/// satisfy `done`, and returns them.
async fn motivation_when(
    app: &TestApp,
    token: &str,
    done: impl Fn(&MotivationView) -> bool,
) -> MotivationView {
    let deadline = Instant::now() + StdDuration::from_secs(40);
    loop {
        let view = my_motivation(app, token).await;
        if done(&view) {
            return view;
        }
        assert!(
            Instant::now() < deadline,
            "the figures never came: {view:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
}

both_backends!(
    async fn lessons_and_a_quiz_synced_move_my_motivation_and_forgeries_earn_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec { modules: vec![3, 2], ..CourseSpec::default() }).await;
        let teacher = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let (me, token) = student(&app, "learner@example.com").await;
        app.enroll(&token, &course.id).await;
        let (q1, q2) = publish_quiz(&app, &teacher, &course.id, &course.lessons[0]).await;
        let (f1, f2) = publish_quiz(&app, &teacher, &course.id, &course.lessons[2]).await;

        // Nothing yet: zeros, the default goal, no badges.
        let empty = my_motivation(&app, &token).await;
        assert_eq!((empty.total_xp, empty.today_xp, empty.goal_xp, empty.streak), (0, 0, 20, 0));
        assert_eq!(empty.week, vec![0; 7]);
        assert!(empty.badges.is_empty() && !empty.at_risk);
        assert_eq!(empty.today, Utc::now().date_naive().to_string(), "the account's zone is UTC");

        let client = SyncClient::of(&app, &token);
        let doc = format!("progress-{me}-{}", course.id);
        let mut phone = Device::started("phone");
        let now = Utc::now();
        let at = |s: i64| rfc3339(now - Duration::seconds(60 - s));
        // Lesson 1 (no quiz): 10. Lesson 0's quiz, right at the first try with 100 %: 10 + 10 + 5,
        // and its completion: 10.
        phone.complete(&course.lessons[1], &at(1));
        phone.doc.append(&attempt(&course.lessons[0], json!({q1.clone(): 1, q2.clone(): true}), &at(2))).unwrap();
        phone.complete(&course.lessons[0], &at(3));
        // Forgeries: lesson 2's quiz claimed passed with wrong answers (the server scores 0 %),
        // then its completion; a completion dated two days ahead; a lesson of no course; a total.
        phone.doc.append(&attempt(&course.lessons[2], json!({f1.clone(): 0, f2.clone(): false}), &at(4))).unwrap();
        phone.complete(&course.lessons[2], &at(5));
        phone.complete(&course.lessons[3], &rfc3339(now + Duration::days(2)));
        phone.complete(&uuid::Uuid::now_v7().to_string(), &at(6));
        forge_total(&mut phone, &at(7));
        client.sync(&doc, &mut phone).await;

        let view = motivation_when(&app, &token, |v| v.total_xp > 0).await;
        // 10 + 25 + 10 = 45 from learning, and the goal (20) reached: + 5.
        assert_eq!(view.total_xp, 50, "{view:?}");
        assert_eq!((view.today_xp, view.goal_xp, view.streak, view.longest_streak), (50, 20, 1, 1));
        assert!(!view.at_risk, "today's goal is reached");
        let weekday = usize::from(shared::rules::day::Day::parse(&view.today).unwrap().weekday());
        assert_eq!(view.week[weekday], 50);
        assert_eq!(view.week.iter().sum::<u32>(), 50);
        let badges: Vec<&str> = view.badges.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(badges, vec!["first_lesson", "perfect_quiz"], "never the forged ones");
        // The server's quiz XP is in the read model; the forged attempt left none.
        let quiz_xp: i64 = app.count("SELECT CAST(COALESCE(SUM(quiz_xp), 0) AS BIGINT) FROM xp_days WHERE user_id = $1", &me).await;
        assert_eq!(quiz_xp, 25);
        // The course's week (goal bonus excluded): 45.
        let week_xp = app.count("SELECT CAST(SUM(xp) AS BIGINT) FROM xp_weeks WHERE user_id = $1", &me).await;
        assert_eq!(week_xp, 45);

        // The same events again from another device, and a refresh by hand: nothing moves, and
        // a badge once awarded keeps its date.
        let mut laptop = Device::empty("laptop");
        client.sync(&doc, &mut laptop).await;
        motivation::refresh(&app.db, &UserId::parse(&me).unwrap()).await.unwrap();
        let again = my_motivation(&app, &token).await;
        assert_eq!(again, view);
    }
);

both_backends!(
    async fn a_daily_goal_set_in_the_profile_is_the_one_that_counts(backend) {
        let app = TestApp::spawn(backend).await;
        let (me, token) = student(&app, "goal@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{me}");
        let mut phone = Device::started("phone");
        let now = Utc::now() - Duration::minutes(5);
        phone.doc.append(&Event::new(EventKind::DailyGoalSet { xp: shared::rules::xp::DailyGoal::Light }, rfc3339(now))).unwrap();
        // Ten reviews of the learner's own cards: 10 XP, the light goal.
        for i in 0..10 {
            let review = EventKind::CardReviewed { card_id: "01933c5e-8000-7000-8000-00000000c0de".into(), rating: Rating::Good, duration_ms: 900 };
            phone.doc.append(&Event::new(review, rfc3339(now + Duration::seconds(i)))).unwrap();
        }
        client.sync(&doc, &mut phone).await;
        let view = motivation_when(&app, &token, |v| v.total_xp > 0).await;
        assert_eq!((view.goal_xp, view.today_xp, view.total_xp, view.streak), (10, 15, 15, 1), "{view:?}");
    }
);

/// `PUT`s the membership of `token`'s user in `course`'s leaderboard; the status.
async fn join(app: &TestApp, token: &str, course: &str, joined: bool) -> u16 {
    app.bearer(
        Method::PUT,
        &format!("/api/courses/{course}/leaderboard/membership"),
        token,
    )
    .json(&json!({ "joined": joined }))
    .send()
    .await
    .unwrap()
    .status()
    .as_u16()
}

async fn board(app: &TestApp, token: &str, course: &str) -> LeaderboardView {
    let path = format!("/api/courses/{course}/leaderboard");
    let body = send(app, token, Method::GET, &path, None, 200).await;
    assert!(!body.to_string().contains('@'), "never an email: {body}");
    serde_json::from_value(body).unwrap()
}

/// A learner enrolled in `course` with `lessons` of its lessons completed today (synced, then
/// refreshed at once), named `name`.
async fn learner_with_lessons(
    app: &TestApp,
    email: &str,
    name: &str,
    course: &crate::helpers::SeededCourse,
    lessons: usize,
) -> (String, String) {
    let (id, token) = student(app, email).await;
    let res = app
        .bearer(Method::PATCH, "/api/me", &token)
        .json(&json!({"display_name": name}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.enroll(&token, &course.id).await;
    let mut device = Device::started("phone");
    for lesson in &course.lessons[..lessons] {
        device.complete(lesson, &rfc3339(Utc::now() - Duration::seconds(30)));
    }
    SyncClient::of(app, &token)
        .sync(&format!("progress-{id}-{}", course.id), &mut device)
        .await;
    motivation::refresh(&app.db, &UserId::parse(&id).unwrap())
        .await
        .unwrap();
    (id, token)
}

both_backends!(
    async fn the_leaderboard_shows_only_members_and_its_readers_are_the_course_people(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let (ada_id, ada) = learner_with_lessons(&app, "ada@example.com", "Ada", &course, 2).await;
        let (bob_id, bob) = learner_with_lessons(&app, "bob@example.com", "Bob", &course, 2).await;
        let (_, cyd) = learner_with_lessons(&app, "cyd@example.com", "Cyd", &course, 3).await;
        let (_, stranger) = student(&app, "stranger@example.com").await;
        let teacher = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        app.insert_user("rival@example.com", Role::Teacher).await;
        let rival = app.token_for("rival@example.com", DEMO_PASSWORD).await;
        let path = format!("/api/courses/{}/leaderboard", course.id);

        // Off by default: nobody on it.
        let empty = board(&app, &ada, &course.id).await;
        assert!(empty.entries.is_empty() && !empty.joined && empty.me.is_none());
        let monday = shared::rules::day::Day::of_millis(Utc::now().timestamp_millis(), 0).week_start();
        assert_eq!(empty.week_start, monday.to_string());

        // Who may read it, who may join: enrolled learners; the teacher and admins read only.
        for (who, token) in [("stranger", &stranger), ("another teacher", &rival)] {
            assert_eq!(error_code(app.bearer(Method::GET, &path, token).send().await.unwrap(), 403).await, "forbidden", "{who}");
            assert_eq!(join(&app, token, &course.id, true).await, 403, "{who}");
        }
        assert_eq!(join(&app, &teacher, &course.id, true).await, 403, "the teacher is not a learner");
        assert_eq!(app.anonymous(Method::GET, &path).send().await.unwrap().status(), 401);
        assert_eq!(app.anonymous(Method::PUT, &format!("{path}/membership")).json(&json!({"joined": true})).send().await.unwrap().status(), 401);
        assert_eq!(join(&app, &ada, "no-such-course", true).await, 404);
        let res = app.bearer(Method::PUT, &format!("{path}/membership"), &ada).json(&json!({"joined": "yes"})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "bad_request");

        // Ada and Bob join (Bob twice: no change); Cyd, with the most XP, does not.
        assert_eq!(join(&app, &ada, &course.id, true).await, 200);
        assert_eq!(join(&app, &bob, &course.id, true).await, 200);
        assert_eq!(join(&app, &bob, &course.slug, true).await, 200);
        // Bob has no display name: he is shown under a neutral one.
        crate::on_db!(&app.db, pool => {
            sqlx::query("UPDATE users SET display_name = NULL WHERE id = $1").bind(&bob_id).execute(pool).await.unwrap().rows_affected()
        });
        let seen = board(&app, &ada, &course.id).await;
        let rows: Vec<(u32, &str, u32, bool)> = seen.entries.iter().map(|e| (e.rank, e.display_name.as_str(), e.xp, e.me)).collect();
        assert_eq!(rows.len(), 2, "{seen:?}");
        assert!(rows.contains(&(1, "Ada", 20, true)) && rows.contains(&(1, "Learner", 20, false)), "ties share a rank: {rows:?}");
        assert!(seen.joined);
        assert_eq!(seen.me.as_ref().map(|m| (m.rank, m.xp, m.me)), Some((1, 20, true)));
        for token in [&teacher, &admin, &cyd] {
            let other = board(&app, token, &course.id).await;
            assert_eq!(other.entries.len(), 2);
            assert!(other.me.is_none() && !other.joined && other.entries.iter().all(|e| !e.me));
        }

        // Cyd joins: first with 30, the others second.
        assert_eq!(join(&app, &cyd, &course.id, true).await, 200);
        let ranks: Vec<(u32, u32)> = board(&app, &teacher, &course.id).await.entries.iter().map(|e| (e.rank, e.xp)).collect();
        assert_eq!(ranks, vec![(1, 30), (2, 20), (2, 20)]);
        // Leaving removes at once; leaving the course too.
        assert_eq!(join(&app, &cyd, &course.id, false).await, 200);
        assert_eq!(board(&app, &teacher, &course.id).await.entries.len(), 2);
        let res = app.bearer(Method::DELETE, &format!("/api/courses/{}/enrollment", course.id), &ada).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let left = board(&app, &teacher, &course.id).await;
        assert_eq!(left.entries.iter().map(|e| e.display_name.as_str()).collect::<Vec<_>>(), vec!["Learner"]);
        assert_eq!(error_code(app.bearer(Method::GET, &path, &ada).send().await.unwrap(), 403).await, "forbidden");
        // A refresh of a member who left keeps her off it.
        motivation::refresh(&app.db, &UserId::parse(&ada_id).unwrap()).await.unwrap();
        assert_eq!(join(&app, &cyd, &course.id, true).await, 200);
        let names: Vec<String> = board(&app, &teacher, &course.id).await.entries.into_iter().map(|e| e.display_name).collect();
        assert_eq!(names, vec!["Cyd".to_owned(), "Learner".to_owned()]);
    }
);

/// Asserts that `xp_week_counts` holds exactly the member rows of `xp_weeks`, counted by course,
/// week and XP figure (the ranks of members outside the top are read from it).
async fn assert_counts_in_step(app: &TestApp, step: &str) {
    type Counts = Vec<(String, String, i64, i64)>;
    let (kept, counted): (Counts, Counts) = crate::on_db!(&app.db, pool => {
        let kept = sqlx::query_as(
            "SELECT course_id, week_start, CAST(xp AS BIGINT), CAST(members AS BIGINT) \
             FROM xp_week_counts ORDER BY 1, 2, 3",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let counted = sqlx::query_as(
            "SELECT course_id, week_start, CAST(xp AS BIGINT), COUNT(*) FROM xp_weeks \
             WHERE member = TRUE GROUP BY course_id, week_start, xp ORDER BY 1, 2, 3",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        (kept, counted)
    });
    assert_eq!(kept, counted, "member counts after {step}");
}

both_backends!(
    async fn a_members_place_outside_the_top_is_counted_from_member_counts_kept_in_step(backend) {
        // 51 learners sign in from this one address: more than a real address may.
        let options = crate::helpers::Options {
            rate_limits: sync_server::config::RateLimits::unlimited(),
            ..crate::helpers::Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let course = app.insert_course(CourseSpec::default()).await;
        // 50 members with 20 XP fill the top; Zed, with 10, is 51st.
        let mut members = Vec::new();
        for i in 0..motivation::leaderboard::TOP {
            let (id, token) = learner_with_lessons(&app, &format!("m{i}@example.com"), &format!("M{i}"), &course, 2).await;
            assert_eq!(join(&app, &token, &course.id, true).await, 200);
            members.push((id, token));
        }
        let (zed_id, zed) = learner_with_lessons(&app, "zed@example.com", "Zed", &course, 1).await;
        assert_counts_in_step(&app, "50 joined").await;
        assert!(board(&app, &zed, &course.id).await.me.is_none(), "not a member yet");
        assert_eq!(join(&app, &zed, &course.id, true).await, 200);
        assert_counts_in_step(&app, "Zed joined").await;
        let seen = board(&app, &zed, &course.id).await;
        assert_eq!(seen.entries.len(), 50);
        assert!(seen.entries.iter().all(|e| !e.me && e.rank == 1 && e.xp == 20), "{seen:?}");
        assert_eq!(seen.me.as_ref().map(|m| (m.rank, m.xp, m.display_name.as_str())), Some((51, 10, "Zed")));

        // Zed completes two more lessons: 30 XP, first; the counts move with his row.
        let mut device = Device::started("laptop");
        for lesson in &course.lessons[1..3] {
            device.complete(lesson, &rfc3339(Utc::now() - Duration::seconds(10)));
        }
        SyncClient::of(&app, &zed).sync(&format!("progress-{zed_id}-{}", course.id), &mut device).await;
        motivation::refresh(&app.db, &UserId::parse(&zed_id).unwrap()).await.unwrap();
        assert_counts_in_step(&app, "Zed's refresh").await;
        let seen = board(&app, &members[0].1, &course.id).await;
        assert_eq!((seen.entries[0].display_name.as_str(), seen.entries[0].rank, seen.entries[0].xp), ("Zed", 1, 30));
        assert_eq!(seen.me.as_ref().map(|m| (m.rank, m.xp)), Some((2, 20)));

        // Leaving, leaving the course, a refresh after leaving, deleting the account: each
        // changes the counts by exactly the rows it changed.
        assert_eq!(join(&app, &members[1].1, &course.id, false).await, 200);
        assert_counts_in_step(&app, "a member left").await;
        assert_eq!(join(&app, &members[1].1, &course.id, false).await, 200);
        assert_counts_in_step(&app, "leaving twice").await;
        let res = app.bearer(Method::DELETE, &format!("/api/courses/{}/enrollment", course.id), &members[2].1).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        assert_counts_in_step(&app, "a member left the course").await;
        motivation::refresh(&app.db, &UserId::parse(&members[2].0).unwrap()).await.unwrap();
        assert_counts_in_step(&app, "a refresh of one who left").await;
        let res = app.bearer(Method::DELETE, "/api/me", &members[3].1).json(&json!({"current_password": DEMO_PASSWORD})).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_counts_in_step(&app, "an account deleted").await;
        assert_eq!(join(&app, &members[1].1, &course.id, true).await, 200);
        assert_counts_in_step(&app, "rejoining").await;
        // 48 members with 20 XP and Zed with 30: all 49 in the top, Zed first.
        let seen = board(&app, &zed, &course.id).await;
        assert_eq!(seen.entries.len(), 49, "{seen:?}");
        assert_eq!(seen.me.as_ref().map(|m| m.rank), Some(1));
    }
);

/// Syncs `reviews` card reviews dated `at` (and the seconds after) into `token`'s profile.
async fn reviews_on(client: &SyncClient, user: &str, reviews: i64, at: DateTime<Utc>) {
    let mut device = Device::started(&format!("device-{}", new_event_id()));
    for i in 0..reviews {
        let review = EventKind::CardReviewed {
            card_id: "01933c5e-8000-7000-8000-00000000c0de".into(),
            rating: Rating::Good,
            duration_ms: 900,
        };
        device
            .doc
            .append(&Event::new(review, rfc3339(at + Duration::seconds(i))))
            .unwrap();
    }
    client.sync(&format!("profile-{user}"), &mut device).await;
}

async fn patch_me(app: &TestApp, token: &str, body: Value) -> Me {
    let res = app
        .bearer(Method::PATCH, "/api/me", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn streak_rows(app: &TestApp, user: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM streak_reminders WHERE user_id = $1",
        user,
    )
    .await
}

both_backends!(
    async fn a_streak_at_risk_is_reminded_once_at_the_learners_evening_hour(backend) {
        let app = TestApp::spawn(backend).await;
        // Settings: defaults, changes, bad hours.
        let (ada_id, ada) = student(&app, "ada@example.com").await;
        let me = app.me_ok(&ada).await;
        assert_eq!((me.streak_reminder_hour, me.streak_reminders), (19, true));
        let me = patch_me(&app, &ada, json!({"streak_reminder_hour": 21, "streak_reminders": false})).await;
        assert_eq!((me.streak_reminder_hour, me.streak_reminders, me.card_reminders), (21, false, true));
        let res = app.bearer(Method::PATCH, "/api/me", &ada).json(&json!({"streak_reminder_hour": 24})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");

        // Yesterday's goal reached, today's not: Ada's 1-day streak is at risk; Bob reached today's
        // too; Cyd's streak is at risk but she opted out.
        let now = Utc::now();
        let yesterday = now - Duration::days(1);
        let (bob_id, bob) = student(&app, "bob@example.com").await;
        let (cyd_id, cyd) = student(&app, "cyd@example.com").await;
        for (id, token, today) in [(&ada_id, &ada, 0), (&bob_id, &bob, 25), (&cyd_id, &cyd, 0)] {
            let client = SyncClient::of(&app, token);
            reviews_on(&client, id, 25, yesterday).await;
            if today > 0 {
                reviews_on(&client, id, today, now - Duration::minutes(10)).await;
            }
            motivation::refresh(&app.db, &UserId::parse(id).unwrap()).await.unwrap();
        }
        let view = my_motivation(&app, &ada).await;
        assert_eq!((view.streak, view.at_risk), (1, true), "{view:?}");
        // Their hour is the hour it is now in UTC (the account's zone).
        let hour = now.hour();
        patch_me(&app, &ada, json!({"streak_reminder_hour": hour, "streak_reminders": true})).await;
        patch_me(&app, &bob, json!({"streak_reminder_hour": hour})).await;
        patch_me(&app, &cyd, json!({"streak_reminder_hour": hour, "streak_reminders": false})).await;

        // An hour earlier nothing; at the hour, Ada only, once however many sweeps run. (The
        // app's own sweep, every 15 minutes, may take it first when a new period begins during
        // the test: then this one finds it taken.)
        assert_eq!(reminders::sweep(&app.db, now - Duration::hours(1)).await.unwrap(), 0);
        assert!(reminders::sweep(&app.db, now).await.unwrap() <= 1);
        assert_eq!(reminders::sweep(&app.db, now).await.unwrap(), 0);
        assert_eq!(streak_rows(&app, &ada_id).await, 1);
        // A claim from long ago goes at the next sweep; today's stays.
        crate::on_db!(&app.db, pool => {
            sqlx::query("INSERT INTO streak_reminders (user_id, local_date, streak, created_at) VALUES ($1, '2026-01-01', 3, $2)")
                .bind(&ada_id).bind(now - Duration::days(300)).execute(pool).await.unwrap().rows_affected()
        });
        assert_eq!(streak_rows(&app, &ada_id).await, 2);
        assert_eq!(reminders::sweep(&app.db, now).await.unwrap(), 0);
        assert_eq!(streak_rows(&app, &ada_id).await, 1);
        assert_eq!(streak_rows(&app, &bob_id).await + streak_rows(&app, &cyd_id).await, 0);
        let bell = app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'streak_at_risk' AND user_id = $1", &ada_id).await;
        assert_eq!(bell, 1);

        // The mail, with a one-click link that turns only these reminders off.
        let mail = app.wait_for_mail("ada@example.com", |m| m.subject.contains("streak is at risk")).await;
        assert!(mail.text.contains("1-day streak"), "{}", mail.text);
        let link = mail.list_unsubscribe.clone().expect("List-Unsubscribe");
        assert!(link.contains(".streak."), "{link}");
        let res = app.client.post(&link).header("content-type", "application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").send().await.unwrap();
        assert_eq!(res.status(), 204);
        let me = app.me_ok(&ada).await;
        assert_eq!((me.streak_reminders, me.card_reminders), (false, true));
    }
);

/// Two real server processes on one PostgreSQL database, each sweeping every second: the learner
/// whose streak is at risk at their hour gets one reminder, one mail and one notification.
#[tokio::test]
async fn two_server_processes_on_one_postgres_remind_a_streak_once() {
    let database = crate::helpers::FreshDatabase::create(crate::helpers::Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let vars = [("EDU_REMINDER_SWEEP_SECS", "1"), ("EDU_DEV_MODE", "true")];
    let first = ServerProcess::start_with(&database.url, dir.path(), &vars);
    let second = ServerProcess::start_with(&database.url, dir.path(), &vars);
    let http = reqwest::Client::new();
    let (token, doc) = demo_student(&http, &first.url).await;
    let user = doc.trim_start_matches("profile-").to_owned();
    // The reminder hour is this hour: not in the last seconds of one.
    let now = Utc::now();
    if now.minute() == 59 && now.second() > 20 {
        tokio::time::sleep(StdDuration::from_secs(45)).await;
    }
    let res = http
        .patch(format!("{}/api/me", first.url))
        .bearer_auth(&token)
        .json(&json!({"time_zone": "UTC", "streak_reminder_hour": Utc::now().hour()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Yesterday's goal reached through the second process; its refresh job makes the streak.
    let client = SyncClient::at(&second.url, &token);
    reviews_on(&client, &user, 25, Utc::now() - Duration::days(1)).await;

    let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let deadline = Instant::now() + StdDuration::from_secs(60);
    while count("SELECT COUNT(*) FROM jobs WHERE kind = 'streak_reminder' AND status = 'done'")
        .await
        == 0
    {
        assert!(Instant::now() < deadline, "no streak reminder within 60 s");
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    // Both go on sweeping every second.
    tokio::time::sleep(StdDuration::from_secs(4)).await;
    assert!(count("SELECT COUNT(*) FROM jobs WHERE kind = 'streak_reminder_sweep'").await >= 4);
    assert_eq!(count("SELECT COUNT(*) FROM streak_reminders").await, 1);
    assert_eq!(
        count("SELECT COUNT(*) FROM notifications WHERE kind = 'streak_at_risk'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM jobs WHERE kind = 'streak_reminder'").await,
        1
    );
    let mail: Vec<Value> = http
        .get(format!(
            "{}/api/dev/mailbox?to=student@demo.local",
            second.url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reminders = mail
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .contains("streak is at risk")
        })
        .count();
    assert_eq!(reminders, 1);
    pool.close().await;
}
