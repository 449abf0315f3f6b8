//! Course authoring: a teacher builds a course (modules, lessons, order) and publishes it; nobody
//! else but an admin may touch it; bad input is refused with nothing half-saved.

use reqwest::Method;
use serde_json::{json, Value};
use shared::api::authoring::{CourseDraft, LessonDraft, ModuleDraft, Saved};
use shared::api::courses::{CourseStatus, CourseSummary};
use shared::api::ErrorBody;

use crate::both_backends;
use crate::helpers::{error_code, Role, TestApp, DEMO_PASSWORD};

const TEACHER: &str = "teacher@demo.local";

/// Sends `body` (or nothing) as `token` and expects `status`; returns the JSON answer.
pub(crate) async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let mut req = app.bearer(method.clone(), path, token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let got = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "{method} {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

async fn new_course(app: &TestApp, token: &str, title: &str) -> CourseDraft {
    parse(
        send(
            app,
            token,
            Method::POST,
            "/api/courses",
            Some(json!({"title": title, "language": "en", "level": "beginner"})),
            201,
        )
        .await,
    )
}

async fn new_module(app: &TestApp, token: &str, course: &str, title: &str) -> ModuleDraft {
    parse(
        send(
            app,
            token,
            Method::POST,
            &format!("/api/courses/{course}/modules"),
            Some(json!({"title": title})),
            201,
        )
        .await,
    )
}

async fn new_lesson(
    app: &TestApp,
    token: &str,
    course: &str,
    module: &str,
    title: &str,
) -> LessonDraft {
    parse(
        send(
            app,
            token,
            Method::POST,
            &format!("/api/courses/{course}/modules/{module}/lessons"),
            Some(json!({"title": title})),
            201,
        )
        .await,
    )
}

async fn draft(app: &TestApp, token: &str, course: &str) -> CourseDraft {
    parse(
        send(
            app,
            token,
            Method::GET,
            &format!("/api/courses/{course}/draft"),
            None,
            200,
        )
        .await,
    )
}

/// The outline as `(module title, [lesson titles])`, in order.
fn outline(draft: &CourseDraft) -> Vec<(String, Vec<String>)> {
    draft
        .modules
        .iter()
        .map(|m| {
            (
                m.title.clone(),
                m.lessons.iter().map(|l| l.title.clone()).collect(),
            )
        })
        .collect()
}

async fn field_error(res: reqwest::Response) -> (u16, String, Option<String>) {
    let status = res.status().as_u16();
    let body: ErrorBody = res.json().await.unwrap();
    (status, body.error.code.to_string(), body.error.field)
}

both_backends!(
    async fn a_teacher_builds_reorders_and_publishes_a_course_with_counters_kept_right(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;

        let res = app.bearer(Method::POST, "/api/courses", &t)
            .json(&json!({"title": "Основы Rust: владение", "language": "ru", "level": "beginner"}))
            .send().await.unwrap();
        assert_eq!(res.status(), 201);
        let created: CourseDraft = res.json().await.unwrap();
        assert_eq!(created.summary.slug, "osnovy-rust-vladenie");
        assert_eq!(created.summary.status, CourseStatus::Draft);
        assert_eq!(created.summary.published_at, None);
        assert!(created.modules.is_empty());
        // The same title again gets a slug of its own.
        let twin = new_course(&app, &t, "Основы Rust: владение").await;
        assert_eq!(twin.summary.slug, "osnovy-rust-vladenie-2");
        let c = created.summary.id.to_string();

        // Nothing to read yet: publishing waits for a lesson.
        let res = app.bearer(Method::PUT, &format!("/api/courses/{c}/status"), &t)
            .json(&json!({"status": "published"})).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");

        let basics = new_module(&app, &t, &c, "Basics").await;
        let more = new_module(&app, &t, &c, "More").await;
        let (b, m) = (basics.id.to_string(), more.id.to_string());
        let first = new_lesson(&app, &t, &c, &b, "First").await;
        let second = new_lesson(&app, &t, &c, &b, "Second").await;
        let third = new_lesson(&app, &t, &c, &m, "Third").await;
        assert_eq!((first.estimated_minutes, first.body.as_str(), first.html.as_str()), (5, "", ""));

        let saved: LessonDraft = parse(send(&app, &t, Method::PATCH,
            &format!("/api/courses/{c}/lessons/{}/draft", second.id),
            Some(json!({"body": "# Second\n\nSome **bold** text.", "estimated_minutes": 12,
                        "video_url": "https://video.example.com/2"})), 200).await);
        assert!(saved.html.contains("<strong>bold</strong>"), "{}", saved.html);
        assert_eq!(saved.video_url.as_deref(), Some("https://video.example.com/2"));
        assert_eq!(saved, parse(send(&app, &t, Method::GET,
            &format!("/api/courses/{c}/lessons/{}/draft", second.id), None, 200).await));

        let before = draft(&app, &t, &c).await;
        assert_eq!(before.summary.lesson_count, 3);
        assert_eq!(before.summary.estimated_minutes, 5 + 12 + 5);
        assert_eq!(outline(&before), vec![
            ("Basics".to_owned(), vec!["First".to_owned(), "Second".to_owned()]),
            ("More".to_owned(), vec!["Third".to_owned()]),
        ]);
        assert_eq!(saved.version, before.version);

        // Modules swap places and a lesson moves across.
        let order = json!({"version": before.version, "modules": [
            {"id": m, "lessons": [third.id, first.id]},
            {"id": b, "lessons": [second.id]},
        ]});
        let reordered: Saved = parse(send(&app, &t, Method::PUT,
            &format!("/api/courses/{c}/outline"), Some(order), 200).await);
        assert!(reordered.version > before.version);
        let after = draft(&app, &t, &c).await;
        assert_eq!(outline(&after), vec![
            ("More".to_owned(), vec!["Third".to_owned(), "First".to_owned()]),
            ("Basics".to_owned(), vec!["Second".to_owned()]),
        ]);
        assert_eq!(after.version, reordered.version);

        send(&app, &t, Method::PATCH, &format!("/api/courses/{c}"), Some(json!({
            "title": "Rust ownership", "subtitle": "Borrowing without tears",
            "description": "Learn **ownership** <script>alert(1)</script>",
            "level": "intermediate", "price": {"amount_minor": 1999, "currency": "USD"}
        })), 200).await;
        let edited = draft(&app, &t, &c).await;
        assert_eq!(edited.summary.title, "Rust ownership");
        // The address stays what it was: links to the course keep working.
        assert_eq!(edited.summary.slug, "osnovy-rust-vladenie");
        assert_eq!(edited.summary.price.as_ref().map(|p| p.amount_minor), Some(1999));
        assert_eq!(edited.description, "Learn **ownership** <script>alert(1)</script>");
        let html: String = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar("SELECT description_html FROM courses WHERE id = $1")
                .bind(&c).fetch_one(pool).await.unwrap()
        });
        assert!(html.contains("<strong>ownership</strong>") && !html.contains("<script"), "{html}");
        // `null` makes it free again.
        send(&app, &t, Method::PATCH, &format!("/api/courses/{c}"), Some(json!({"price": null})), 200).await;
        assert_eq!(draft(&app, &t, &c).await.summary.price, None);

        send(&app, &t, Method::PUT, &format!("/api/courses/{c}/status"),
            Some(json!({"status": "published"})), 200).await;
        let published = draft(&app, &t, &c).await;
        assert_eq!(published.summary.status, CourseStatus::Published);
        let published_at = published.summary.published_at.clone().expect("published_at set");
        let catalog: Value = app.get_json("/api/courses?limit=100", 200).await;
        assert!(catalog["items"].as_array().unwrap().iter().any(|i| i["id"] == json!(c)));
        // Archived and published again: the first publication date stays.
        send(&app, &t, Method::PUT, &format!("/api/courses/{c}/status"),
            Some(json!({"status": "archived"})), 200).await;
        send(&app, &t, Method::PUT, &format!("/api/courses/{c}/status"),
            Some(json!({"status": "published"})), 200).await;
        assert_eq!(draft(&app, &t, &c).await.summary.published_at, Some(published_at));
        let res = app.bearer(Method::PUT, &format!("/api/courses/{c}/status"), &t)
            .json(&json!({"status": "draft"})).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");

        // A course that was published is never deleted; one that never was is.
        let res = app.bearer(Method::DELETE, &format!("/api/courses/{c}"), &t).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let tw = twin.summary.id.to_string();
        send(&app, &t, Method::DELETE, &format!("/api/courses/{tw}"), None, 204).await;
        let res = app.bearer(Method::GET, &format!("/api/courses/{tw}/draft"), &t).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");

        let mine: Vec<CourseSummary> = parse(send(&app, &t, Method::GET, "/api/teaching/courses", None, 200).await);
        assert_eq!(mine[0].id.to_string(), c, "most recently edited first");
        assert!(!mine.iter().any(|s| s.id.to_string() == tw));

        // Deleting a lesson and a module keeps the counters right; the module's lessons go too.
        send(&app, &t, Method::DELETE, &format!("/api/courses/{c}/lessons/{}", first.id), None, 200).await;
        let now = draft(&app, &t, &c).await;
        assert_eq!((now.summary.lesson_count, now.summary.estimated_minutes), (2, 5 + 12));
        send(&app, &t, Method::DELETE, &format!("/api/courses/{c}/modules/{m}"), None, 200).await;
        let now = draft(&app, &t, &c).await;
        assert_eq!((now.summary.lesson_count, now.summary.estimated_minutes), (1, 12));
        assert_eq!(app.count("SELECT COUNT(*) FROM lessons WHERE id = $1", third.id.to_string()).await, 0);
        // The last lesson of a published course stays.
        let res = app.bearer(Method::DELETE, &format!("/api/courses/{c}/lessons/{}", second.id), &t)
            .send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let res = app.bearer(Method::DELETE, &format!("/api/courses/{c}/modules/{b}"), &t)
            .send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        assert_eq!(draft(&app, &t, &c).await.summary.lesson_count, 1);
    }
);

both_backends!(
    async fn lesson_html_never_carries_scripts_handlers_or_javascript_links(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let c = new_course(&app, &t, "Safe lessons").await.summary.id.to_string();
        let m = new_module(&app, &t, &c, "Only").await.id.to_string();
        let l = new_lesson(&app, &t, &c, &m, "Attack").await.id;
        let body = "Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
                    [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">a</a>\n\n\
                    ```rust\nfn main() {}\n```";
        let saved: LessonDraft = parse(send(&app, &t, Method::PATCH,
            &format!("/api/courses/{c}/lessons/{l}/draft"), Some(json!({"body": body})), 200).await);
        assert_eq!(saved.body, body, "the source is kept as written");
        for bad in ["<script", "onerror", "javascript:", "alert(1)</script>"] {
            assert!(!saved.html.contains(bad), "{bad} in {}", saved.html);
        }
        assert!(saved.html.contains("language-rust"), "{}", saved.html);
        let stored: String = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar("SELECT body_html FROM lessons WHERE id = $1")
                .bind(l.to_string()).fetch_one(pool).await.unwrap()
        });
        assert_eq!(stored, saved.html);
    }
);

both_backends!(
    async fn a_stale_or_wrong_outline_is_409_and_changes_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let c = new_course(&app, &t, "Ordered").await.summary.id.to_string();
        let a = new_module(&app, &t, &c, "A").await.id.to_string();
        let b = new_module(&app, &t, &c, "B").await.id.to_string();
        let l1 = new_lesson(&app, &t, &c, &a, "L1").await.id.to_string();
        let l2 = new_lesson(&app, &t, &c, &a, "L2").await.id.to_string();
        let other = new_course(&app, &t, "Another").await.summary.id.to_string();
        let om = new_module(&app, &t, &other, "X").await.id.to_string();
        let foreign = new_lesson(&app, &t, &other, &om, "Foreign").await.id.to_string();

        let before = draft(&app, &t, &c).await;
        let v = before.version;
        let cases = [
            ("stale version", json!({"version": v - 1, "modules": [
                {"id": b, "lessons": [l2, l1]}, {"id": a, "lessons": []}]})),
            ("future version", json!({"version": v + 1, "modules": [
                {"id": b, "lessons": [l2, l1]}, {"id": a, "lessons": []}]})),
            ("a lesson left out", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2]}, {"id": a, "lessons": []}]})),
            ("a lesson twice", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2, l1]}, {"id": a, "lessons": [l1]}]})),
            ("another course's lesson", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2, l1, foreign]}, {"id": a, "lessons": []}]})),
            ("a module left out", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2, l1]}]})),
            ("another course's module", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2, l1]}, {"id": a, "lessons": []}, {"id": om, "lessons": []}]})),
            ("a module twice", json!({"version": v, "modules": [
                {"id": b, "lessons": [l2, l1]}, {"id": b, "lessons": []}, {"id": a, "lessons": []}]})),
        ];
        for (why, order) in cases {
            let res = app.bearer(Method::PUT, &format!("/api/courses/{c}/outline"), &t)
                .json(&order).send().await.unwrap();
            assert_eq!(res.status(), 409, "{why}");
            assert_eq!(draft(&app, &t, &c).await, before, "{why}: nothing changed");
        }
        assert_eq!(outline(&draft(&app, &t, &other).await), vec![("X".to_owned(), vec!["Foreign".to_owned()])]);
        // Ids that are not ids are a 400 for the body.
        let res = app.bearer(Method::PUT, &format!("/api/courses/{c}/outline"), &t)
            .json(&json!({"version": v, "modules": [{"id": "nope", "lessons": []}]})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "bad_request");
    }
);

both_backends!(
    async fn modules_and_lessons_of_another_course_in_the_path_are_404_and_untouched(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let mine = new_course(&app, &t, "Mine").await.summary.id.to_string();
        let also_mine = new_course(&app, &t, "Also mine").await.summary.id.to_string();
        let m = new_module(&app, &t, &also_mine, "Theirs").await.id.to_string();
        let l = new_lesson(&app, &t, &also_mine, &m, "Theirs").await.id.to_string();
        let before = draft(&app, &t, &also_mine).await;
        let attempts: Vec<(Method, String, Option<Value>)> = vec![
            (Method::PATCH, format!("/api/courses/{mine}/modules/{m}"), Some(json!({"title": "x"}))),
            (Method::DELETE, format!("/api/courses/{mine}/modules/{m}"), None),
            (Method::POST, format!("/api/courses/{mine}/modules/{m}/lessons"), Some(json!({"title": "x"}))),
            (Method::GET, format!("/api/courses/{mine}/lessons/{l}/draft"), None),
            (Method::PATCH, format!("/api/courses/{mine}/lessons/{l}/draft"), Some(json!({"title": "x"}))),
            (Method::DELETE, format!("/api/courses/{mine}/lessons/{l}"), None),
            // Ids that are not UUIDs name nothing either.
            (Method::GET, "/api/courses/not-a-uuid/draft".to_owned(), None),
            (Method::PATCH, format!("/api/courses/{mine}/modules/1"), Some(json!({"title": "x"}))),
            (Method::GET, format!("/api/courses/{mine}/lessons/..%2F..%2Fetc/draft"), None),
            (Method::DELETE, format!("/api/courses/{}", uuid::Uuid::now_v7()), None),
        ];
        for (method, path, body) in attempts {
            let mut req = app.bearer(method.clone(), &path, &t);
            if let Some(body) = body {
                req = req.json(&body);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 404, "{method} {path}");
            let _: ErrorBody = res.json().await.expect("a JSON error");
        }
        assert_eq!(draft(&app, &t, &also_mine).await, before);
        assert!(draft(&app, &t, &mine).await.modules.is_empty());
    }
);

/// Every authoring route, with a well-formed body, on course `c` (module `m`, lesson `l`).
fn every_route(c: &str, m: &str, l: &str, version: u32) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, format!("/api/courses/{c}/draft"), None),
        (
            Method::PATCH,
            format!("/api/courses/{c}"),
            Some(json!({"subtitle": "Mine now"})),
        ),
        (
            Method::PUT,
            format!("/api/courses/{c}/status"),
            Some(json!({"status": "published"})),
        ),
        (
            Method::POST,
            format!("/api/courses/{c}/modules"),
            Some(json!({"title": "Mine now"})),
        ),
        (
            Method::PATCH,
            format!("/api/courses/{c}/modules/{m}"),
            Some(json!({"title": "Mine now"})),
        ),
        (
            Method::POST,
            format!("/api/courses/{c}/modules/{m}/lessons"),
            Some(json!({"title": "Mine"})),
        ),
        (
            Method::GET,
            format!("/api/courses/{c}/lessons/{l}/draft"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/courses/{c}/lessons/{l}/draft"),
            Some(json!({"body": "Mine"})),
        ),
        (
            Method::PUT,
            format!("/api/courses/{c}/outline"),
            Some(json!({"version": version, "modules": [{"id": m, "lessons": [l]}]})),
        ),
        (
            Method::DELETE,
            format!("/api/courses/{c}/lessons/{l}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/courses/{c}/modules/{m}"),
            None,
        ),
        (Method::DELETE, format!("/api/courses/{c}"), None),
    ]
}

both_backends!(
    async fn only_its_teacher_or_an_admin_may_touch_a_course(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_user("other.teacher@example.com", Role::Teacher).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let other = app.token_for("other.teacher@example.com", DEMO_PASSWORD).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;

        let c = new_course(&app, &t, "Guarded").await.summary.id.to_string();
        let m = new_module(&app, &t, &c, "Guarded").await.id.to_string();
        let l = new_lesson(&app, &t, &c, &m, "Guarded").await.id.to_string();
        let before = draft(&app, &t, &c).await;
        let routes = every_route(&c, &m, &l, before.version);
        for (token, status, code) in [(Some(&other), 403, "forbidden"), (Some(&student), 403, "forbidden"),
                                      (None, 401, "unauthenticated")] {
            for (method, path, body) in &routes {
                let mut req = match token {
                    Some(token) => app.bearer(method.clone(), path, token),
                    None => app.anonymous(method.clone(), path),
                };
                if let Some(body) = body {
                    req = req.json(body);
                }
                let res = req.send().await.unwrap();
                assert_eq!(res.status(), status, "{method} {path}");
                let body: ErrorBody = res.json().await.unwrap();
                assert_eq!(body.error.code.to_string(), code, "{method} {path}");
            }
        }
        assert_eq!(draft(&app, &t, &c).await, before, "nothing changed");
        let res = app.bearer(Method::POST, "/api/courses", &student)
            .json(&json!({"title": "Student's", "language": "en", "level": "beginner"})).send().await.unwrap();
        assert_eq!(error_code(res, 403).await, "forbidden");
        let res = app.bearer(Method::GET, "/api/teaching/courses", &student).send().await.unwrap();
        assert_eq!(error_code(res, 403).await, "forbidden");
        let theirs: Vec<CourseSummary> = parse(send(&app, &other, Method::GET, "/api/teaching/courses", None, 200).await);
        assert!(theirs.is_empty(), "another teacher lists only their own");

        // An admin may do all of it (publishing apart: a published course is never deleted).
        let all: Vec<CourseSummary> = parse(send(&app, &admin, Method::GET, "/api/teaching/courses", None, 200).await);
        assert!(all.iter().any(|s| s.id.to_string() == c));
        for (method, path, body) in &routes {
            if *method == Method::PUT && path.ends_with("/status") {
                continue;
            }
            let body = if path.ends_with("/outline") {
                // The admin's own edits above added to the outline and moved the version on.
                let now = draft(&app, &admin, &c).await;
                let modules: Vec<Value> = now.modules.iter().rev().map(|module| json!({
                    "id": module.id,
                    "lessons": module.lessons.iter().rev().map(|l| &l.id).collect::<Vec<_>>(),
                })).collect();
                Some(json!({"version": now.version, "modules": modules}))
            } else {
                body.clone()
            };
            let mut req = app.bearer(method.clone(), path, &admin);
            if let Some(body) = body {
                req = req.json(&body);
            }
            let res = req.send().await.unwrap();
            assert!(res.status().is_success(), "{method} {path}: {}", res.text().await.unwrap());
        }
        let c2 = new_course(&app, &t, "Published by an admin").await.summary.id.to_string();
        let m2 = new_module(&app, &t, &c2, "M").await.id.to_string();
        new_lesson(&app, &t, &c2, &m2, "L").await;
        send(&app, &admin, Method::PUT, &format!("/api/courses/{c2}/status"),
            Some(json!({"status": "published"})), 200).await;
    }
);

both_backends!(
    async fn over_long_fields_are_refused_naming_the_field_and_nothing_is_saved(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let c = new_course(&app, &t, "Limits").await.summary.id.to_string();
        let m = new_module(&app, &t, &c, "M").await.id.to_string();
        let l = new_lesson(&app, &t, &c, &m, "L").await.id.to_string();
        let before = draft(&app, &t, &c).await;
        let teacher_id = before.summary.teacher.id.to_string();
        let courses = "SELECT COUNT(*) FROM courses WHERE teacher_id = $1";
        let course_count = app.count(courses, &teacher_id).await;
        let long = |n: usize| "x".repeat(n + 1);
        let v = shared::validate::LESSON_BODY_MAX_CHARS;
        let cases: Vec<(Method, String, Value, &str)> = vec![
            (Method::POST, "/api/courses".into(),
                json!({"title": long(120), "language": "en", "level": "beginner"}), "title"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"title": "ok title", "subtitle": long(200)}), "subtitle"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"description": long(20_000)}), "description"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"category": uuid::Uuid::now_v7().to_string()}), "category"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"cover": "ab".repeat(32)}), "cover"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"price": {"amount_minor": 0, "currency": "USD"}}), "price.amount_minor"),
            (Method::PATCH, format!("/api/courses/{c}"), json!({"price": {"amount_minor": 100, "currency": "XXX"}}), "price.currency"),
            (Method::POST, format!("/api/courses/{c}/modules"), json!({"title": long(120)}), "title"),
            (Method::PATCH, format!("/api/courses/{c}/modules/{m}"), json!({"title": ""}), "title"),
            (Method::POST, format!("/api/courses/{c}/modules/{m}/lessons"), json!({"title": long(200)}), "title"),
            (Method::PATCH, format!("/api/courses/{c}/lessons/{l}/draft"), json!({"title": "ok", "body": long(v)}), "body"),
            (Method::PATCH, format!("/api/courses/{c}/lessons/{l}/draft"), json!({"estimated_minutes": 0}), "estimated_minutes"),
            (Method::PATCH, format!("/api/courses/{c}/lessons/{l}/draft"), json!({"video_url": "javascript:alert(1)"}), "video_url"),
            (Method::PATCH, format!("/api/courses/{c}/lessons/{l}/draft"), json!({"video_url": "http://plain.example.com"}), "video_url"),
        ];
        for (method, path, body, field) in cases {
            let res = app.bearer(method.clone(), &path, &t).json(&body).send().await.unwrap();
            let (status, code, named) = field_error(res).await;
            assert_eq!((status, code.as_str(), named.as_deref()), (400, "validation_failed", Some(field)),
                "{method} {path}");
        }
        assert_eq!(draft(&app, &t, &c).await, before, "nothing saved");
        assert_eq!(app.count(courses, &teacher_id).await, course_count);
        assert_eq!(app.count("SELECT COUNT(*) FROM course_modules WHERE course_id = $1", &c).await, 1);
    }
);

both_backends!(
    async fn a_lesson_of_the_longest_length_fits_and_a_larger_body_is_413(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let c = new_course(&app, &t, "Long").await.summary.id.to_string();
        let m = new_module(&app, &t, &c, "M").await.id.to_string();
        let l = new_lesson(&app, &t, &c, &m, "L").await.id.to_string();
        // The longest body, in Cyrillic (2 bytes each): far over the JSON API's 64 KiB.
        let body = "ж".repeat(shared::validate::LESSON_BODY_MAX_CHARS);
        let saved: LessonDraft = parse(send(&app, &t, Method::PATCH,
            &format!("/api/courses/{c}/lessons/{l}/draft"), Some(json!({"body": body})), 200).await);
        assert_eq!(saved.body.chars().count(), shared::validate::LESSON_BODY_MAX_CHARS);
        let too_big = "x".repeat(app.config.limits.body.content + 1);
        let res = app.bearer(Method::PATCH, &format!("/api/courses/{c}/lessons/{l}/draft"), &t)
            .json(&json!({"body": too_big})).send().await.unwrap();
        assert_eq!(error_code(res, 413).await, "payload_too_large");
        // The rest of the JSON API keeps its small limit.
        let res = app.bearer(Method::PATCH, "/api/me", &t)
            .json(&json!({"display_name": "x".repeat(app.config.limits.body.json)})).send().await.unwrap();
        assert_eq!(error_code(res, 413).await, "payload_too_large");
    }
);

both_backends!(
    async fn a_whole_course_is_created_in_one_go_with_its_counters(backend) {
        use sync_server::catalog::authoring::{
            create_course_with_content, NewCourseContent, NewLessonContent, NewModuleContent,
        };
        let app = TestApp::spawn(backend).await;
        let teacher: String = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
                .bind(TEACHER).fetch_one(pool).await.unwrap()
        });
        let teacher = shared::domain::UserId::parse(&teacher).unwrap();
        let lesson = |title: &str, minutes| NewLessonContent {
            title: title.into(), body: format!("# {title}\n\n<script>x</script>"),
            video_url: None, estimated_minutes: minutes,
        };
        let mut content = NewCourseContent {
            title: "Imported course".into(), subtitle: String::new(), description: "About".into(),
            language: shared::api::courses::CourseLanguage::En,
            level: shared::api::courses::CourseLevel::Beginner,
            category: None, cover: None, price: None,
            modules: vec![NewModuleContent { title: "Empty".into(), lessons: vec![] }],
            publish: true,
        };
        let mut tx = app.db.begin().await.unwrap();
        let err = create_course_with_content(&mut tx, &teacher, &content).await.unwrap_err();
        assert_eq!(err.status(), 409, "publishing needs a lesson: {err}");
        drop(tx);
        content.modules = vec![
            NewModuleContent { title: "One".into(), lessons: vec![lesson("A", 10), lesson("B", 20)] },
            NewModuleContent { title: "Two".into(), lessons: vec![lesson("C", 30)] },
        ];
        let mut tx = app.db.begin().await.unwrap();
        let id = create_course_with_content(&mut tx, &teacher, &content).await.unwrap();
        tx.commit().await.unwrap();
        let t = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let made = draft(&app, &t, id.as_str()).await;
        assert_eq!((made.summary.lesson_count, made.summary.estimated_minutes), (3, 60));
        assert_eq!(made.summary.status, CourseStatus::Published);
        assert!(made.summary.published_at.is_some());
        assert_eq!(outline(&made), vec![
            ("One".to_owned(), vec!["A".to_owned(), "B".to_owned()]),
            ("Two".to_owned(), vec!["C".to_owned()]),
        ]);
        let html: Vec<String> = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar("SELECT body_html FROM lessons WHERE course_id = $1")
                .bind(id.as_str()).fetch_all(pool).await.unwrap()
        });
        assert!(html.iter().all(|h| h.contains("<h1>") && !h.contains("<script")), "{html:?}");
        // A bad lesson anywhere: nothing is created.
        content.modules[1].lessons[0].estimated_minutes = 0;
        content.title = "Broken import".into();
        let mut tx = app.db.begin().await.unwrap();
        assert!(create_course_with_content(&mut tx, &teacher, &content).await.is_err());
        drop(tx);
        assert_eq!(app.count("SELECT COUNT(*) FROM courses WHERE title = $1", "Broken import").await, 0);
    }
);
