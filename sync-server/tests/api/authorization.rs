//! The authorization matrix: every route × {anonymous, student, teacher, another teacher, admin}
//! → the status each gets. Each caller sends a well-formed request (its own fresh email, a valid
//! body), so a status says who may, not what was wrong with the input.
//!
//! Signed-in callers use a bearer token (cookies and CSRF have their own test in `accounts`).
//! Rows run in order: the ones that end sessions or delete accounts come last.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Options, Role, TestApp, DEMO_PASSWORD};

const WHO: [&str; 5] = ["anonymous", "student", "teacher", "other teacher", "admin"];

/// One row: method, path, the body caller `i` (index into `WHO`) sends (JSON, or raw bytes for
/// uploads), the statuses they get.
struct Row {
    method: Method,
    path: String,
    body: Box<dyn Fn(usize) -> Option<Value>>,
    bytes: Option<Box<dyn Fn(usize) -> Vec<u8>>>,
    /// More request headers, the same for every caller.
    headers: Vec<(&'static str, &'static str)>,
    expect: [u16; 5],
}

fn row(method: Method, path: impl Into<String>, expect: [u16; 5]) -> Row {
    Row {
        method,
        path: path.into(),
        body: Box::new(|_| None),
        bytes: None,
        headers: Vec::new(),
        expect,
    }
}

fn with_bytes(
    method: Method,
    path: impl Into<String>,
    bytes: impl Fn(usize) -> Vec<u8> + 'static,
    expect: [u16; 5],
) -> Row {
    Row {
        bytes: Some(Box::new(bytes)),
        ..row(method, path, expect)
    }
}

fn with_body(
    method: Method,
    path: impl Into<String>,
    body: impl Fn(usize) -> Option<Value> + 'static,
    expect: [u16; 5],
) -> Row {
    Row {
        method,
        path: path.into(),
        body: Box::new(body),
        bytes: None,
        headers: Vec::new(),
        expect,
    }
}

/// A pending application filed directly in the database (so the admin rows have ids to decide).
async fn pending_application(app: &TestApp, email: &str) -> String {
    let user_id = app.insert_user(email, Role::Student).await;
    let id = uuid::Uuid::now_v7().to_string();
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO teacher_applications (id, user_id, bio, subject, link, status, created_at) \
             VALUES ($1, $2, 'I have taught for many years now.', 'Maths', 'https://example.com', \
                     'pending', $3)",
        )
        .bind(&id)
        .bind(&user_id)
        .bind(chrono::Utc::now())
        .execute(pool)
        .await
        .unwrap();
    });
    id
}

/// An unread in-app notification of `email`'s account (a target to mark read).
async fn notification_of(app: &TestApp, email: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, title, body, created_at) \
             SELECT $1, id, 'teacher_application_approved', 'Hello', 'Hello', $2 \
             FROM users WHERE email_key = $3",
        )
        .bind(&id)
        .bind(chrono::Utc::now())
        .bind(email)
        .execute(pool)
        .await
        .unwrap();
    });
    id
}

/// A session row of `email`'s account that nobody holds the token of (a target to revoke).
async fn spare_session(app: &TestApp, email: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = chrono::Utc::now();
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at) \
             SELECT $1, id, $2, $3, $3, $4 FROM users WHERE email_key = $5",
        )
        .bind(&id)
        .bind(format!("spare-{id}"))
        .bind(now)
        .bind(now + chrono::Duration::days(1))
        .bind(email)
        .execute(pool)
        .await
        .unwrap();
    });
    id
}

/// An image stored the way an upload stores it (a target to read back), by its hash.
async fn stored_image(app: &TestApp) -> String {
    let stored = sync_server::content::media::store_image(
        &app.db,
        app.media.as_ref(),
        &crate::media::png_header(64, 64),
        1024,
        None,
    )
    .await
    .unwrap();
    stored.item.hash
}

/// A course of `teacher@demo.local` built through the domain (module and lesson ids beside), so
/// the authoring rows have targets: `lessons` lessons in one module.
async fn authored_course(
    app: &TestApp,
    title: &str,
    lessons: usize,
) -> (String, String, Vec<String>) {
    use sync_server::catalog::authoring::{
        create_course_with_content, NewCourseContent, NewLessonContent, NewModuleContent,
    };
    let teacher: String = crate::on_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT id FROM users WHERE email_key = 'teacher@demo.local'")
            .fetch_one(pool).await.unwrap()
    });
    let content = NewCourseContent {
        title: title.into(),
        subtitle: String::new(),
        description: String::new(),
        language: shared::api::courses::CourseLanguage::En,
        level: shared::api::courses::CourseLevel::Beginner,
        category: None,
        cover: None,
        price: None,
        modules: vec![NewModuleContent {
            title: "Module".into(),
            lessons: (0..lessons)
                .map(|i| NewLessonContent {
                    title: format!("Lesson {i}"),
                    body: String::new(),
                    video_url: None,
                    estimated_minutes: 5,
                })
                .collect(),
        }],
        publish: false,
    };
    let mut tx = app.db.begin().await.unwrap();
    let course = create_course_with_content(
        &mut tx,
        &shared::domain::UserId::parse(&teacher).unwrap(),
        &content,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let course = course.to_string();
    let module: String = crate::on_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT id FROM course_modules WHERE course_id = $1")
            .bind(&course).fetch_one(pool).await.unwrap()
    });
    let lessons: Vec<String> = crate::on_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT id FROM lessons WHERE course_id = $1 ORDER BY position")
            .bind(&course).fetch_all(pool).await.unwrap()
    });
    (course, module, lessons)
}

/// Adds one question to `lesson`'s quiz; returns its id.
async fn quiz_question(app: &TestApp, course: &str, lesson: &str) -> String {
    let new: shared::api::quizzes::NewQuestions = serde_json::from_value(json!({"questions": [
        {"prompt": "The sky is blue", "kind": "true_false", "correct": true}
    ]}))
    .unwrap();
    let draft = sync_server::catalog::quizzes::add_questions(
        &app.db,
        &course.parse().unwrap(),
        &lesson.parse().unwrap(),
        new,
    )
    .await
    .unwrap();
    draft.questions[0].question.id.clone()
}

/// A quiz draft batch of `lesson`, queued (no job runs it), asked for by the course's teacher.
async fn queued_quiz_draft(app: &TestApp, course: &str, lesson: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO quiz_drafts (id, course_id, lesson_id, count, kinds, status, progress, \
                                      made_without_llm, created_at, updated_at) \
             VALUES ($1, $2, $3, 1, '[\"cloze\"]', 'queued', 0, 0, $4, $4)",
        )
        .bind(&id).bind(course).bind(lesson).bind(chrono::Utc::now())
        .execute(pool).await.unwrap();
    });
    id
}

/// The current version of a course (the outline row names it).
async fn course_version(app: &TestApp, course: &str) -> i32 {
    crate::on_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT version FROM courses WHERE id = $1")
            .bind(course).fetch_one(pool).await.unwrap()
    })
}

/// A category nobody uses (a target to rename and delete).
async fn spare_category(app: &TestApp, slug: &str) -> String {
    let mut tx = app.db.begin().await.unwrap();
    let category = sync_server::catalog::categories::create_category(
        &mut tx,
        &shared::api::courses::CategoryInput {
            slug: slug.into(),
            name_en: "Spare".into(),
            name_ru: "Запасная".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    category.id.to_string()
}

both_backends!(
    async fn every_route_answers_each_role_as_the_matrix_says(backend) {
        // The matrix sends each route five times in a row; limits have their own test.
        let options = Options {
            rate_limits: sync_server::config::RateLimits::unlimited(),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        app.insert_user("other.teacher@example.com", Role::Teacher).await;
        app.insert_user("signer@example.com", Role::Student).await;
        let mut tokens: Vec<Option<String>> = vec![None];
        for email in [
            "student@demo.local",
            "teacher@demo.local",
            "other.teacher@example.com",
            "admin@demo.local",
        ] {
            tokens.push(Some(app.token_for(email, DEMO_PASSWORD).await));
        }
        let student_id = app.me_ok(tokens[1].as_deref().unwrap()).await.id;
        let to_approve = pending_application(&app, "applicant1@example.com").await;
        let to_reject = pending_application(&app, "applicant2@example.com").await;
        let admins_spare = spare_session(&app, "admin@demo.local").await;
        let admins_notification = notification_of(&app, "admin@demo.local").await;
        // The demo teacher's courses: one everyone enrolls in, one nobody does, a draft, and a
        // review by another learner to reply to.
        let open = app.published_course("matrix-open").await;
        let closed = app.published_course("matrix-closed").await;
        let draft = app.draft_course("matrix-draft").await;
        let reviewer = app.student_token("reviewer@example.com").await;
        app.enroll(&reviewer, &open.slug).await;
        let review: Value = app.put_review(&reviewer, &open.slug, 4, "Good").await.json().await.unwrap();
        let review_id = review["id"].as_str().unwrap().to_owned();
        // A discussion post by that learner under the open course's first lesson.
        let res = app
            .bearer(Method::POST, &format!("/api/lessons/{}/posts", open.lessons[0]), &reviewer)
            .json(&json!({"body": "A question"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let learners_post = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        // A conversation of that learner with the (offline) tutor, and its reply.
        let res = app
            .bearer(Method::POST, &format!("/api/lessons/{}/tutor/messages", open.lessons[0]), &reviewer)
            .json(&json!({"text": "What is this lesson about?"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let events: Vec<Value> = res
            .text()
            .await
            .unwrap()
            .lines()
            .filter_map(|line| line.strip_prefix("data: "))
            .map(|data| serde_json::from_str(data).unwrap())
            .collect();
        let learners_conversation = events[0]["conversation_id"].as_str().unwrap().to_owned();
        let tutors_reply = events.last().unwrap()["reply"]["id"].as_str().unwrap().to_owned();
        let cover = stored_image(&app).await;
        let fresh = |prefix: &'static str| move |i: usize| format!("{prefix}{i}@example.com");
        let bogus_token = "A".repeat(43);
        // Authoring targets, all of teacher@demo.local: one course to edit, one whose module and
        // lesson get deleted, one to delete; and a spare category.
        let (course, module, lessons) = authored_course(&app, "Matrix course", 2).await;
        let (doomed, doomed_module, doomed_lessons) = authored_course(&app, "Doomed parts", 1).await;
        let (to_delete, _, _) = authored_course(&app, "Deleted course", 0).await;
        let version = course_version(&app, &course).await;
        let category = spare_category(&app, "spare").await;
        let (lesson, other_lesson) = (lessons[0].clone(), lessons[1].clone());
        // A question in each lesson's quiz: one to edit and delete, one to reorder.
        let question = quiz_question(&app, &course, &lesson).await;
        let ordered = quiz_question(&app, &course, &other_lesson).await;
        let quiz = format!("/api/courses/{course}/lessons/{lesson}/quiz");
        let quiz_draft = queued_quiz_draft(&app, &course, &lesson).await;
        // A reminder mail's unsubscribe token (the signer's), signed with the server's key, and
        // the same token altered.
        let signer = app.me_ok(&app.token_for("signer@example.com", DEMO_PASSWORD).await).await.id;
        let unsubscribe = sync_server::srs::reminders::UnsubscribeKey::load(&app.db)
            .await
            .unwrap()
            .token(&signer);
        let streak_unsubscribe = sync_server::srs::reminders::UnsubscribeKey::load(&app.db)
            .await
            .unwrap()
            .token_for(&signer, sync_server::srs::reminders::ReminderList::Streak);
        let digest_unsubscribe = sync_server::srs::reminders::UnsubscribeKey::load(&app.db)
            .await
            .unwrap()
            .token_for(&signer, sync_server::srs::reminders::ReminderList::Digest);
        let forged_unsubscribe = {
            let (user, signature) = unsubscribe.split_once('.').unwrap();
            let first = if signature.starts_with('B') { 'C' } else { 'B' };
            format!("{user}.{first}{}", &signature[1..])
        };

        let rows: Vec<Row> = vec![
            // Operations and the catalog: open to all.
            row(Method::GET, "/healthz", [200; 5]),
            row(Method::GET, "/readyz", [200; 5]),
            // Metrics are only on their own listener (EDU_METRICS_BIND), never on this port.
            row(Method::GET, "/metrics", [404; 5]),
            row(Method::GET, "/api/openapi.json", [200; 5]),
            row(Method::GET, "/api/courses", [200; 5]),
            row(Method::GET, "/api/courses?limit=2", [200; 5]),
            row(Method::GET, "/api/search?q=rust", [200; 5]),
            // Development (dev mode is on in tests).
            row(Method::GET, "/api/dev/mailbox?to=x@example.com", [200; 5]),
            row(Method::GET, "/dev/mailbox", [200; 5]),
            // Anonymous account routes: the same for everyone.
            with_body(Method::POST, "/api/auth/register", {
                let email = fresh("new");
                move |i| Some(json!({"email": email(i), "password": "a fine passphrase",
                    "display_name": "New", "locale": "en", "time_zone": "UTC"}))
            }, [202; 5]),
            with_body(Method::POST, "/api/auth/verify-email", {
                let token = bogus_token.clone();
                move |_| Some(json!({"token": token}))
            }, [400; 5]),
            // The reminder mail's one-click unsubscribe: no session needed, only a signed token.
            row(Method::POST, format!("/api/reminders/unsubscribe?token={unsubscribe}"), [204; 5]),
            row(Method::POST, format!("/api/reminders/unsubscribe?token={forged_unsubscribe}"), [400; 5]),
            row(Method::POST, "/api/reminders/unsubscribe", [400; 5]),
            row(Method::POST, format!("/api/reminders/unsubscribe?token={streak_unsubscribe}"), [204; 5]),
            row(Method::POST, format!("/api/reminders/unsubscribe?token={digest_unsubscribe}"), [204; 5]),
            row(Method::POST, format!("/api/reminders/unsubscribe?token={}", digest_unsubscribe.replace(".digest.", ".streak.")), [400; 5]),
            with_body(Method::POST, "/api/auth/resend-verification",
                |_| Some(json!({"email": "someone@example.com"})), [202; 5]),
            with_body(Method::POST, "/api/auth/sign-in",
                |_| Some(json!({"email": "signer@example.com", "password": DEMO_PASSWORD})), [200; 5]),
            with_body(Method::POST, "/api/auth/forgot-password",
                |_| Some(json!({"email": "someone@example.com"})), [202; 5]),
            with_body(Method::POST, "/api/auth/reset-password", {
                let token = bogus_token.clone();
                move |_| Some(json!({"token": token, "new_password": "a fine passphrase"}))
            }, [400; 5]),
            // The signed-in user's own account.
            row(Method::GET, "/api/me", [401, 200, 200, 200, 200]),
            with_body(Method::PATCH, "/api/me",
                |_| Some(json!({"display_name": "Renamed"})), [401, 200, 200, 200, 200]),
            // Someone else's session is not found; only its owner may end it.
            row(Method::DELETE, format!("/api/me/sessions/{admins_spare}"), [401, 404, 404, 404, 204]),
            // (Changing the password ends the caller's other sessions, so it comes after that.)
            with_body(Method::POST, "/api/me/password",
                |_| Some(json!({"current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD})),
                [401, 204, 204, 204, 204]),
            with_body(Method::POST, "/api/me/email", {
                let email = fresh("moved");
                move |i| Some(json!({"new_email": email(i), "current_password": DEMO_PASSWORD}))
            }, [401, 202, 202, 202, 202]),
            row(Method::GET, "/api/me/sessions", [401, 200, 200, 200, 200]),
            row(Method::GET, "/api/me/export", [401, 200, 200, 200, 200]),
            // Sync: only the document's owner (the student's profile here); to anyone else it
            // does not exist.
            Row {
                headers: vec![("x-device-id", "matrix")],
                ..with_bytes(Method::POST, format!("/api/sync/profile-{student_id}"), |_| {
                    shared::doc::LearnerDoc::new()
                        .generate_sync_message(&mut automerge::sync::State::new())
                        .map(|m| m.encode())
                        .unwrap_or_default()
                }, [401, 200, 404, 404, 404])
            },
            // Teaching.
            with_body(Method::POST, "/api/teacher-applications", |_| Some(json!({
                "bio": "I have taught Rust at meetups for five years.",
                "subject": "Rust", "link": "https://example.com/talks"
            })), [401, 201, 403, 403, 403]),
            row(Method::GET, "/api/teacher-applications/mine", [401, 200, 404, 404, 404]),
            // Admin.
            row(Method::GET, "/api/admin/teacher-applications", [401, 403, 403, 403, 200]),
            row(Method::GET, "/api/admin/teacher-applications?status=rejected", [401, 403, 403, 403, 200]),
            row(Method::POST, format!("/api/admin/teacher-applications/{to_approve}/approve"),
                [401, 403, 403, 403, 200]),
            with_body(Method::POST, format!("/api/admin/teacher-applications/{to_reject}/reject"),
                |_| Some(json!({"reason": "Please add recordings of your lessons."})),
                [401, 403, 403, 403, 200]),
            // Notifications: everyone signed in has a bell; another user's notification is not found.
            row(Method::GET, "/api/notifications", [401, 200, 200, 200, 200]),
            row(Method::POST, format!("/api/notifications/{admins_notification}/read"),
                [401, 404, 404, 404, 204]),
            row(Method::POST, "/api/notifications/read-all", [401, 204, 204, 204, 204]),
            // Reading courses: drafts only for their teacher and admins.
            row(Method::GET, "/api/courses?sort=top_rated&level=beginner&price=free", [200; 5]),
            row(Method::GET, format!("/api/courses/{}", open.slug), [200; 5]),
            row(Method::GET, format!("/api/courses/{}", draft.id), [404, 404, 200, 404, 200]),
            // Enrollment: anyone signed in, in a free published course.
            row(Method::POST, format!("/api/courses/{}/enrollment", open.slug), [401, 201, 201, 201, 201]),
            row(Method::GET, format!("/api/courses/{}/enrollment", open.slug), [401, 200, 200, 200, 200]),
            row(Method::GET, "/api/me/courses", [401, 200, 200, 200, 200]),
            // Motivation: everyone signed in has figures. A course's leaderboard: its enrolled
            // learners join it (everyone is enrolled in `open`, nobody in `closed`, not even its
            // teacher); they, its teacher and admins read it.
            row(Method::GET, "/api/me/motivation", [401, 200, 200, 200, 200]),
            with_body(Method::PUT, format!("/api/courses/{}/leaderboard/membership", open.slug),
                |_| Some(json!({"joined": true})), [401, 200, 200, 200, 200]),
            row(Method::GET, format!("/api/courses/{}/leaderboard", open.slug), [401, 200, 200, 200, 200]),
            with_body(Method::PUT, format!("/api/courses/{}/leaderboard/membership", closed.slug),
                |_| Some(json!({"joined": true})), [401, 403, 403, 403, 403]),
            row(Method::GET, format!("/api/courses/{}/leaderboard", closed.slug), [401, 403, 200, 403, 200]),
            // Lessons: enrolled learners, the course's teacher, admins.
            row(Method::GET, format!("/api/courses/{}/lessons/{}", open.slug, open.lessons[0]),
                [401, 200, 200, 200, 200]),
            row(Method::GET, format!("/api/courses/{}/lessons/{}", closed.slug, closed.lessons[0]),
                [401, 403, 200, 403, 200]),
            // A course's flashcard deck: read like its lessons; written by its teacher and admins.
            row(Method::GET, format!("/api/courses/{}/deck", open.slug), [401, 200, 200, 200, 200]),
            row(Method::GET, format!("/api/courses/{}/deck", closed.slug), [401, 403, 200, 403, 200]),
            with_body(Method::PUT, format!("/api/courses/{}/deck", closed.id),
                |_| Some(json!({"cards": [{"front": "Q", "back": "A"}]})), [401, 403, 200, 403, 200]),
            // Reviews: public list; enrolled learners write their own (never the course's
            // teacher); the teacher (or an admin) replies once.
            row(Method::GET, format!("/api/courses/{}/reviews", open.slug), [200; 5]),
            with_body(Method::PUT, format!("/api/courses/{}/reviews/mine", open.slug),
                |_| Some(json!({"stars": 4, "body": "Fine"})), [401, 200, 403, 200, 200]),
            row(Method::GET, format!("/api/courses/{}/reviews/mine", open.slug), [401, 200, 404, 200, 200]),
            with_body(Method::PUT, format!("/api/courses/{}/reviews/{review_id}/reply", open.slug),
                |_| Some(json!({"body": "Thank you"})), [401, 403, 200, 403, 409]),
            row(Method::DELETE, format!("/api/courses/{}/reviews/mine", open.slug), [401, 204, 404, 204, 204]),
            // Discussions: read and written by enrolled learners, the course's teacher and admins
            // (every caller is enrolled in the open course by now, the other teacher too); a
            // post is edited and deleted by its author only; moderation and reports are the
            // teacher's and admins'; anyone who may read may report.
            row(Method::GET, format!("/api/lessons/{}/posts", open.lessons[0]), [401, 200, 200, 200, 200]),
            row(Method::GET, format!("/api/lessons/{}/posts", closed.lessons[0]), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("/api/lessons/{}/posts", closed.lessons[0]),
                |_| Some(json!({"body": "Hello"})), [401, 403, 201, 403, 201]),
            with_body(Method::POST, format!("/api/lessons/{}/posts", open.lessons[0]),
                { let parent = learners_post.clone(); move |_| Some(json!({"body": "Hello", "parent_id": parent})) },
                [401, 201, 201, 201, 201]),
            // The tutor: asked by whoever may read the lesson; a conversation is its learner's
            // alone (anyone else: 404, as if it did not exist); insights are the teacher's and
            // admins'.
            row(Method::GET, format!("/api/lessons/{}/tutor/conversations", open.lessons[0]), [401, 200, 200, 200, 200]),
            row(Method::GET, format!("/api/lessons/{}/tutor/conversations", closed.lessons[0]), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("/api/lessons/{}/tutor/messages", closed.lessons[0]),
                |_| Some(json!({"text": "Hello?"})), [401, 403, 200, 403, 200]),
            row(Method::GET, format!("/api/tutor/conversations/{learners_conversation}"), [401, 404, 404, 404, 404]),
            row(Method::DELETE, format!("/api/tutor/conversations/{learners_conversation}"), [401, 404, 404, 404, 404]),
            row(Method::POST, format!("/api/tutor/conversations/{learners_conversation}/retry"), [401, 404, 404, 404, 404]),
            with_body(Method::PUT, format!("/api/tutor/messages/{tutors_reply}/feedback"),
                |_| Some(json!({"rating": "down"})), [401, 404, 404, 404, 404]),
            row(Method::GET, format!("/api/courses/{}/tutor/insights", open.slug), [401, 403, 200, 403, 200]),
            with_body(Method::PATCH, format!("/api/posts/{learners_post}"),
                |_| Some(json!({"body": "Changed"})), [401, 403, 403, 403, 403]),
            with_body(Method::PUT, format!("/api/posts/{learners_post}/moderation"),
                |_| Some(json!({"pinned": true})), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("/api/posts/{learners_post}/reports"),
                |_| Some(json!({"reason": "Off topic"})), [401, 204, 204, 204, 204]),
            row(Method::GET, format!("/api/courses/{}/reports", open.slug), [401, 403, 200, 403, 200]),
            row(Method::DELETE, format!("/api/posts/{learners_post}"), [401, 403, 403, 403, 403]),
            row(Method::DELETE, format!("/api/courses/{}/enrollment", open.slug), [401, 204, 204, 204, 204]),
            // Media: teachers and admins upload (each caller their own image), anyone reads.
            with_bytes(Method::POST, "/api/media",
                |i| crate::media::png_header(i as u32 + 1, 1), [401, 403, 201, 201, 201]),
            row(Method::GET, format!("/media/{cover}"), [200; 5]),
            // The editor's preview.
            with_body(Method::POST, "/api/content/preview",
                |_| Some(json!({"markdown": "# Hello\n\n```rust\nfn main() {}\n```"})),
                [401, 403, 200, 200, 200]),

            // Authoring: teachers for their own courses, admins for any. Deletes are done by the
            // teacher first, so those after find nothing left (404).
            with_body(Method::POST, "/api/courses",
                |_| Some(json!({"title": "A new course", "language": "en", "level": "beginner"})),
                [401, 403, 201, 201, 201]),
            row(Method::GET, "/api/teaching/courses", [401, 403, 200, 200, 200]),
            // Import: teachers and admins; the role is checked before the body (not a zip: 415).
            row(Method::POST, "/api/courses/import?dry_run=true", [401, 403, 415, 415, 415]),
            row(Method::GET, format!("/api/courses/{course}/draft"), [401, 403, 200, 403, 200]),
            // The outline names the version read before the rows ran: the teacher's reorder lands,
            // and makes the admin's, sent after it, stale (409).
            with_body(Method::PUT, format!("/api/courses/{course}/outline"), {
                let (module, lesson, other_lesson) = (module.clone(), lesson.clone(), other_lesson.clone());
                move |_| Some(json!({"version": version, "modules": [
                    {"id": module, "lessons": [other_lesson, lesson]}]}))
            }, [401, 403, 200, 403, 409]),
            with_body(Method::PATCH, format!("/api/courses/{course}"),
                |_| Some(json!({"subtitle": "Edited"})), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("/api/courses/{course}/modules"),
                |_| Some(json!({"title": "Another module"})), [401, 403, 201, 403, 201]),
            with_body(Method::PATCH, format!("/api/courses/{course}/modules/{module}"),
                |_| Some(json!({"title": "Renamed"})), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("/api/courses/{course}/modules/{module}/lessons"),
                |_| Some(json!({"title": "Another lesson"})), [401, 403, 201, 403, 201]),
            row(Method::GET, format!("/api/courses/{course}/lessons/{lesson}/draft"),
                [401, 403, 200, 403, 200]),
            with_body(Method::PATCH, format!("/api/courses/{course}/lessons/{lesson}/draft"),
                |_| Some(json!({"body": "Edited"})), [401, 403, 200, 403, 200]),
            // Quizzes: the course's teacher and admins.
            row(Method::GET, quiz.clone(), [401, 403, 200, 403, 200]),
            with_body(Method::PUT, quiz.clone(),
                |_| Some(json!({"pass_mark": 60})), [401, 403, 200, 403, 200]),
            with_body(Method::POST, format!("{quiz}/questions"), |_| Some(json!({"questions": [
                {"prompt": "Sky is blue", "kind": "true_false", "correct": true, "draft": true, "source": "ai"}
            ]})), [401, 403, 201, 403, 201]),
            with_body(Method::PUT, format!("{quiz}/questions/{question}"), |_| Some(json!(
                {"prompt": "2 + 2?", "kind": "single_choice", "options": ["3", "4"], "correct": 1}
            )), [401, 403, 200, 403, 200]),
            with_body(Method::PUT, format!("/api/courses/{course}/lessons/{other_lesson}/quiz/order"), {
                let ordered = ordered.clone();
                move |_| Some(json!({"questions": [ordered]}))
            }, [401, 403, 200, 403, 200]),
            row(Method::POST, format!("{quiz}/versions"), [401, 403, 201, 403, 201]),
            row(Method::GET, format!("{quiz}/stats"), [401, 403, 200, 403, 200]),
            row(Method::DELETE, format!("{quiz}/questions/{question}"), [401, 403, 200, 403, 404]),
            // AI quiz drafts: the course's teacher and admins (the batch asked for runs offline).
            with_body(Method::POST, format!("/api/courses/{course}/lessons/{lesson}/quiz-drafts"),
                |_| Some(json!({"count": 2, "kinds": ["cloze"]})), [401, 403, 202, 403, 202]),
            row(Method::GET, format!("/api/courses/{course}/lessons/{lesson}/quiz-drafts/{quiz_draft}"),
                [401, 403, 200, 403, 200]),
            row(Method::DELETE, format!("/api/courses/{course}/lessons/{lesson}/quiz-drafts/{quiz_draft}"),
                [401, 403, 200, 403, 200]),
            with_body(Method::PUT, format!("/api/courses/{course}/status"),
                |_| Some(json!({"status": "published"})), [401, 403, 200, 403, 200]),
            row(Method::DELETE, format!("/api/courses/{doomed}/lessons/{}", doomed_lessons[0]),
                [401, 403, 200, 403, 404]),
            row(Method::DELETE, format!("/api/courses/{doomed}/modules/{doomed_module}"),
                [401, 403, 200, 403, 404]),
            row(Method::DELETE, format!("/api/courses/{to_delete}"), [401, 403, 204, 404, 404]),
            // Categories: listed for all, managed by admins.
            row(Method::GET, "/api/categories", [200; 5]),
            with_body(Method::POST, "/api/categories",
                |i| Some(json!({"slug": format!("new-{i}"), "name_en": "New", "name_ru": "Новая"})),
                [401, 403, 403, 403, 201]),
            with_body(Method::PATCH, format!("/api/categories/{category}"),
                |_| Some(json!({"slug": "renamed", "name_en": "Renamed", "name_ru": "Другая"})),
                [401, 403, 403, 403, 200]),
            row(Method::DELETE, format!("/api/categories/{category}"), [401, 403, 403, 403, 204]),

            // Last: these end sessions and accounts.
            with_body(Method::DELETE, "/api/me",
                |_| Some(json!({"current_password": DEMO_PASSWORD})), [401, 204, 204, 204, 204]),
            row(Method::POST, "/api/auth/sign-out", [204; 5]),
        ];

        let openapi = sync_server::http::openapi();
        let mut mismatches = Vec::new();
        let mut covered = std::collections::BTreeSet::new();
        for row in &rows {
            let documented = documented_statuses(&openapi, &row.method, &row.path);
            if let Some((template, _, _)) = &documented {
                covered.insert((row.method.to_string(), template.clone()));
            }
            // A route that refuses anonymous callers says how to present a session.
            if let Some((_, _, secured)) = &documented {
                if row.expect[0] == 401 && !secured {
                    mismatches.push(format!("{} {}: 401 to anonymous callers but no security", row.method, row.path));
                }
            }
            for (i, who) in WHO.iter().enumerate() {
                let mut req = app.client.request(row.method.clone(), app.url(&row.path));
                if let Some(token) = &tokens[i] {
                    req = req.bearer_auth(token);
                }
                if let Some(body) = (row.body)(i) {
                    req = req.json(&body);
                }
                if let Some(bytes) = &row.bytes {
                    req = req.body(bytes(i));
                }
                for (name, value) in &row.headers {
                    req = req.header(*name, *value);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                if let Some((_, documented, _)) = &documented {
                    if !documented.contains(&status.to_string()) {
                        mismatches.push(format!(
                            "{} {} as {who}: {status} is not among the documented {documented:?}",
                            row.method, row.path
                        ));
                    }
                }
                if status != row.expect[i] {
                    let body = res.text().await.unwrap_or_default();
                    mismatches.push(format!(
                        "{} {} as {who}: expected {}, got {status} {body}",
                        row.method, row.path, row.expect[i]
                    ));
                }
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

        // Every documented operation has a row, matched on its exact template (a prefix would let
        // `/reject` ride on `/approve`), so a new route cannot be added without deciding who may
        // call it.
        let missing: Vec<_> = documented_operations(&openapi).difference(&covered).cloned().collect();
        assert!(missing.is_empty(), "documented routes missing from the matrix: {missing:?}");
    }
);

/// `(METHOD, template)` of every operation in the OpenAPI document.
fn documented_operations(
    openapi: &utoipa::openapi::OpenApi,
) -> std::collections::BTreeSet<(String, String)> {
    let mut operations = std::collections::BTreeSet::new();
    for (template, item) in &openapi.paths.paths {
        for (method, present) in [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PUT", item.put.is_some()),
        ] {
            if present {
                operations.insert((method.to_owned(), template.clone()));
            }
        }
    }
    operations
}

/// The template of the operation `method path` serves (`path` as sent: ids filled in, maybe a
/// query; every fixed segment must match exactly), the statuses the OpenAPI document lists for it,
/// and whether it names a security requirement; `None` for paths outside the document.
fn documented_statuses(
    openapi: &utoipa::openapi::OpenApi,
    method: &Method,
    path: &str,
) -> Option<(String, Vec<String>, bool)> {
    let path = path.split('?').next().unwrap_or(path);
    let sent: Vec<&str> = path.split('/').collect();
    let (template, item) = openapi.paths.paths.iter().find(|(template, _)| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == sent.len()
            && parts
                .iter()
                .zip(&sent)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
    })?;
    let operation = match *method {
        Method::GET => &item.get,
        Method::POST => &item.post,
        Method::PATCH => &item.patch,
        Method::DELETE => &item.delete,
        Method::PUT => &item.put,
        _ => &None,
    };
    let operation = operation
        .as_ref()
        .unwrap_or_else(|| panic!("{method} {path} is not documented"));
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    Some((
        template.clone(),
        operation.responses.responses.keys().cloned().collect(),
        secured,
    ))
}

/// Statuses that follow from what an operation is, whatever its handler does: a JSON body can be
/// unusable (400), too large (413) or of the wrong type (415); a request that changes state can be
/// refused as cross-site (403 `csrf`); anything can fail on our side (500).
#[tokio::test]
async fn every_operation_documents_the_statuses_its_kind_brings() {
    let mut missing = Vec::new();
    for (path, item) in sync_server::http::openapi().paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
            ("PUT", &item.put),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let mut needed = vec!["500"];
            if operation.request_body.is_some() {
                needed.extend(["400", "413", "415"]);
            }
            if method != "GET" {
                needed.push("403");
            }
            for status in needed {
                if !operation.responses.responses.contains_key(status) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented statuses: {missing:?}");
}
