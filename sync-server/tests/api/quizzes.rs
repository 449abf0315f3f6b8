//! Lesson quizzes: the teacher edits a working copy and publishes immutable versions; learners
//! get the latest with the lesson; attempts synced in progress documents are scored again on the
//! server against the version they name, and teachers read the figures. Nobody but the course's
//! teacher or an admin touches a quiz.

use reqwest::Method;
use serde_json::{json, Value};
use shared::api::courses::LessonView;
use shared::api::quizzes::{QuizDraft, QuizStats, QuizView};
use shared::doc::{Event, EventKind, QuizAttempt};
use shared::domain::LessonId;

use crate::authoring::send;
use crate::both_backends;
use crate::helpers::{error_code, CourseSpec, Role, SeededCourse, TestApp, DEMO_PASSWORD};
use crate::sync::{completions, student, Device, SyncClient};

const TEACHER: &str = "teacher@demo.local";

fn quiz_path(course: &SeededCourse, lesson: usize) -> String {
    format!(
        "/api/courses/{}/lessons/{}/quiz",
        course.id, course.lessons[lesson]
    )
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Two questions: "2 + 2?" (single choice, right: index 1) and "Sky is blue" (true).
fn two_questions() -> Value {
    json!({"questions": [
        {"prompt": "2 + 2?", "kind": "single_choice", "options": ["3", "4"], "correct": 1,
         "explanation": "Count them."},
        {"prompt": "The sky is blue", "kind": "true_false", "correct": true}
    ]})
}

async fn add(app: &TestApp, token: &str, path: &str, body: Value) -> QuizDraft {
    parse(
        send(
            app,
            token,
            Method::POST,
            &format!("{path}/questions"),
            Some(body),
            201,
        )
        .await,
    )
}

async fn publish(app: &TestApp, token: &str, path: &str) -> QuizView {
    parse(
        send(
            app,
            token,
            Method::POST,
            &format!("{path}/versions"),
            None,
            201,
        )
        .await,
    )
}

async fn lesson_view(
    app: &TestApp,
    token: &str,
    course: &SeededCourse,
    lesson: usize,
) -> LessonView {
    let path = format!(
        "/api/courses/{}/lessons/{}",
        course.id, course.lessons[lesson]
    );
    parse(send(app, token, Method::GET, &path, None, 200).await)
}

both_backends!(
    async fn only_the_courses_teacher_or_an_admin_may_read_or_edit_its_quizzes(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let other_course = app.insert_course(CourseSpec::default()).await;
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        app.insert_user("rival@example.com", Role::Teacher).await;
        let rival = app.token_for("rival@example.com", DEMO_PASSWORD).await;
        let (_, learner) = student(&app, "learner@example.com").await;
        app.enroll(&learner, &course.id).await;
        let path = quiz_path(&course, 0);
        let question = add(&app, &owner, &path, two_questions()).await.questions[0]
            .question
            .id
            .clone();

        let writes: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, path.clone(), None),
            (Method::PUT, path.clone(), Some(json!({"pass_mark": 50}))),
            (Method::POST, format!("{path}/questions"), Some(two_questions())),
            (
                Method::PUT,
                format!("{path}/questions/{question}"),
                Some(json!({"prompt": "1 + 1?", "kind": "true_false", "correct": false})),
            ),
            (Method::PUT, format!("{path}/order"), Some(json!({"questions": []}))),
            (Method::POST, format!("{path}/versions"), None),
            (Method::GET, format!("{path}/stats"), None),
            (Method::DELETE, format!("{path}/questions/{question}"), None),
        ];
        for (method, route, body) in &writes {
            for (who, token, status) in [("learner", &learner, 403), ("other teacher", &rival, 403)] {
                let mut req = app.bearer(method.clone(), route, token);
                if let Some(body) = body {
                    req = req.json(body);
                }
                let res = req.send().await.unwrap();
                assert_eq!(res.status().as_u16(), status, "{who}: {method} {route}");
            }
            let res = app.anonymous(method.clone(), route).send().await.unwrap();
            assert_eq!(res.status(), 401, "anonymous: {method} {route}");
        }
        // A lesson of another course, and ids that name nothing, are 404 for the owner.
        let foreign = format!(
            "/api/courses/{}/lessons/{}/quiz",
            course.id, other_course.lessons[0]
        );
        assert_eq!(error_code(app.bearer(Method::GET, &foreign, &owner).send().await.unwrap(), 404).await, "not_found");
        let nowhere = format!("/api/courses/{}/lessons/not-an-id/quiz", course.id);
        assert_eq!(error_code(app.bearer(Method::GET, &nowhere, &owner).send().await.unwrap(), 404).await, "not_found");
        let missing = format!("{path}/questions/{}", uuid::Uuid::now_v7());
        assert_eq!(error_code(app.bearer(Method::DELETE, &missing, &owner).send().await.unwrap(), 404).await, "not_found");

        // The owner and an admin may; nothing the others sent was kept.
        let draft: QuizDraft = parse(send(&app, &owner, Method::GET, &path, None, 200).await);
        assert_eq!(draft.questions.len(), 2);
        assert_eq!(draft.pass_mark, 70);
        let draft: QuizDraft = parse(
            send(&app, &admin, Method::PUT, &path, Some(json!({"pass_mark": 60})), 200).await,
        );
        assert_eq!(draft.pass_mark, 60);
    }
);

both_backends!(
    async fn questions_that_cannot_be_answered_as_written_are_422_and_nothing_is_added(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let path = quiz_path(&course, 0);
        let bad = [
            (json!({"prompt": "Pick", "kind": "single_choice", "options": ["a", "b"], "correct": 2}), "not one of the options"),
            (json!({"prompt": "Pick", "kind": "multiple_choice", "options": ["a", "A "], "correct": [0]}), "two options say the same"),
            (json!({"prompt": "", "kind": "true_false", "correct": true}), "needs a prompt"),
            (json!({"prompt": "Capital?", "kind": "short_answer", "accepted": [" "]}), "accepted answer"),
            (json!({"prompt": "", "kind": "cloze", "text": "no gaps here"}), "gap"),
        ];
        for (question, says) in bad {
            // A good question first: all or nothing.
            let body = json!({"questions": [two_questions()["questions"][0], question]});
            let res = app
                .bearer(Method::POST, &format!("{path}/questions"), &owner)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 422, "{body}");
            let error: Value = res.json().await.unwrap();
            assert_eq!(error["error"]["code"], "unprocessable_content");
            let message = error["error"]["message"].as_str().unwrap();
            assert!(message.starts_with("question 2: ") && message.contains(says), "{message}");
        }
        let empty = app
            .bearer(Method::POST, &format!("{path}/questions"), &owner)
            .json(&json!({"questions": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(empty, 422).await, "unprocessable_content");
        let draft: QuizDraft = parse(send(&app, &owner, Method::GET, &path, None, 200).await);
        assert!(draft.questions.is_empty(), "{draft:?}");
        // An edit that breaks a question is refused the same way; a pass mark over 100 is 400.
        let draft = add(&app, &owner, &path, two_questions()).await;
        let id = &draft.questions[0].question.id;
        let res = app
            .bearer(Method::PUT, &format!("{path}/questions/{id}"), &owner)
            .json(&json!({"prompt": "2 + 2?", "kind": "single_choice", "options": ["4"], "correct": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 422).await, "unprocessable_content");
        let res = app
            .bearer(Method::PUT, &path, &owner)
            .json(&json!({"pass_mark": 101}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");
        // Publishing nothing accepted is a conflict.
        let empty_lesson = quiz_path(&course, 1);
        add(&app, &owner, &empty_lesson, json!({"questions": [
            {"prompt": "Draft only", "kind": "true_false", "correct": true, "draft": true, "source": "ai"}
        ]}))
        .await;
        let res = app.bearer(Method::POST, &format!("{empty_lesson}/versions"), &owner).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
    }
);

both_backends!(
    async fn publishing_makes_immutable_versions_that_learners_get_with_the_lesson(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let (_, learner) = student(&app, "learner@example.com").await;
        app.enroll(&learner, &course.id).await;
        let path = quiz_path(&course, 0);
        assert_eq!(lesson_view(&app, &learner, &course, 0).await.quiz, None);

        add(&app, &owner, &path, two_questions()).await;
        let draft = add(&app, &owner, &path, json!({"questions": [
            {"prompt": "Rust's {{borrow}} checker", "kind": "cloze", "text": "The {{borrow|borrowing}} checker", "draft": true, "source": "offline"}
        ]}))
        .await;
        assert!(draft.unpublished_changes && draft.published.is_none());
        let suggestion = &draft.questions[2];
        assert!(suggestion.draft);
        assert_eq!(suggestion.source.code(), "offline");

        let first = publish(&app, &owner, &path).await;
        assert_eq!(first.version, 1);
        assert_eq!(first.pass_mark, 70);
        assert_eq!(first.questions.len(), 2, "the draft stays out");
        let seen = lesson_view(&app, &learner, &course, 0).await.quiz.unwrap();
        assert_eq!(seen, first);
        let draft: QuizDraft = parse(send(&app, &owner, Method::GET, &path, None, 200).await);
        assert!(!draft.unpublished_changes);
        assert_eq!(draft.published.as_ref().unwrap().version, 1);

        // Accept the suggestion, reword the first question, put the suggestion first, pass at 50.
        let ids: Vec<String> = draft.questions.iter().map(|q| q.question.id.clone()).collect();
        send(&app, &owner, Method::PUT, &format!("{path}/questions/{}", ids[2]), Some(json!({
            "prompt": "", "kind": "cloze", "text": "The {{borrow|borrowing}} checker", "draft": false
        })), 200).await;
        send(&app, &owner, Method::PUT, &format!("{path}/questions/{}", ids[0]), Some(json!({
            "prompt": "3 + 1?", "kind": "single_choice", "options": ["4", "5"], "correct": 0
        })), 200).await;
        // An order that leaves one out is a conflict; the full one lands.
        let res = app.bearer(Method::PUT, &format!("{path}/order"), &owner)
            .json(&json!({"questions": [ids[2], ids[0]]})).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let draft: QuizDraft = parse(send(&app, &owner, Method::PUT, &format!("{path}/order"),
            Some(json!({"questions": [ids[2], ids[0], ids[1]]})), 200).await);
        let order: Vec<&str> = draft.questions.iter().map(|q| q.question.id.as_str()).collect();
        assert_eq!(order, [ids[2].as_str(), ids[0].as_str(), ids[1].as_str()]);
        assert_eq!(draft.questions[0].source.code(), "offline", "the source is kept");
        send(&app, &owner, Method::PUT, &path, Some(json!({"pass_mark": 50})), 200).await;
        // Unpublished edits change nothing learners see.
        assert_eq!(lesson_view(&app, &learner, &course, 0).await.quiz.unwrap(), first);

        let second = publish(&app, &owner, &path).await;
        assert_eq!(second.version, 2);
        assert_eq!(second.pass_mark, 50);
        let prompts: Vec<&str> = second.questions.iter().map(|q| q.prompt.as_str()).collect();
        assert_eq!(prompts, ["", "3 + 1?", "The sky is blue"]);
        assert_eq!(second.questions[1].id, first.questions[0].id, "ids follow questions across versions");
        assert_eq!(lesson_view(&app, &learner, &course, 0).await.quiz.unwrap(), second);
        // Deleting from the working copy leaves the published versions as they were.
        send(&app, &owner, Method::DELETE, &format!("{path}/questions/{}", ids[1]), None, 200).await;
        assert_eq!(lesson_view(&app, &learner, &course, 0).await.quiz.unwrap(), second);
        let stored = app
            .count("SELECT COUNT(*) FROM quiz_versions WHERE lesson_id = $1", &course.lessons[0])
            .await;
        assert_eq!(stored, 2);
    }
);

fn attempt_event(lesson: &str, version: u32, answers: Value, forged: bool, at: &str) -> Event {
    Event::new(
        EventKind::QuizAttempt(QuizAttempt {
            lesson_id: LessonId::parse(lesson).unwrap(),
            quiz_version: version,
            answers: answers.to_string(),
            score_percent: if forged { 100 } else { 0 },
            passed: forged,
            duration_ms: 30_000,
        }),
        at,
    )
}

/// `(version, correct, total, score_percent, passed)` of each attempt by `user`, oldest first.
async fn attempts(app: &TestApp, user: &str) -> Vec<(i32, i32, i32, i32, bool)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT version, correct, total, score_percent, passed FROM quiz_attempts \
             WHERE user_id = $1 ORDER BY attempted_at",
        )
        .bind(user)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

both_backends!(
    async fn the_server_scores_synced_attempts_itself_against_the_version_they_name(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec::default()).await;
        let owner = app.token_for(TEACHER, DEMO_PASSWORD).await;
        let (me, token) = student(&app, "learner@example.com").await;
        let (other, other_token) = student(&app, "second@example.com").await;
        app.enroll(&token, &course.id).await;
        app.enroll(&other_token, &course.id).await;
        let path = quiz_path(&course, 0);
        let lesson = course.lessons[0].clone();
        add(&app, &owner, &path, two_questions()).await;
        let v1 = publish(&app, &owner, &path).await;
        let (q1, q2) = (v1.questions[0].id.clone(), v1.questions[1].id.clone());

        let client = SyncClient::of(&app, &token);
        let doc = format!("progress-{me}-{}", course.id);
        let mut phone = Device::started("phone");
        // Wrong answers claiming 100 % and a pass, then a completion: neither counts.
        phone.doc.append(&attempt_event(&lesson, 1, json!({q1.clone(): 0, q2.clone(): false}), true, "2026-11-29T10:00:00Z")).unwrap();
        phone.complete(&lesson, "2026-11-29T10:00:01Z");
        // Unknown version, malformed answers, a lesson of no course: ignored, the sync succeeds.
        phone.doc.append(&attempt_event(&lesson, 9, json!({}), true, "2026-11-29T10:01:00Z")).unwrap();
        let mut odd = attempt_event(&lesson, 1, json!({}), true, "2026-11-29T10:02:00Z");
        if let EventKind::QuizAttempt(a) = &mut odd.kind {
            a.answers = "[not json".into();
        }
        phone.doc.append(&odd).unwrap();
        phone.doc.append(&attempt_event(&uuid::Uuid::now_v7().to_string(), 1, json!({}), true, "2026-11-29T10:03:00Z")).unwrap();
        assert!(matches!(client.sync(&doc, &mut phone).await, 200 | 204));
        assert_eq!(attempts(&app, &me).await, vec![(1, 0, 2, 0, false)]);
        assert!(completions(&app, &me).await.is_empty(), "a quiz lesson needs a passing attempt");
        // The lesson without a quiz still completes by itself.
        phone.complete(&course.lessons[1], "2026-11-29T10:04:00Z");
        client.sync(&doc, &mut phone).await;
        assert_eq!(completions(&app, &me).await.len(), 1);

        // The teacher publishes version 2, where the first question's right option moves.
        let draft: QuizDraft = parse(send(&app, &owner, Method::GET, &path, None, 200).await);
        send(&app, &owner, Method::PUT, &format!("{path}/questions/{}", draft.questions[0].question.id), Some(json!({
            "prompt": "2 + 2?", "kind": "single_choice", "options": ["4", "3"], "correct": 0
        })), 200).await;
        assert_eq!(publish(&app, &owner, &path).await.version, 2);

        // An attempt taken offline on version 1 (right there, wrong on version 2) passes on 1.
        phone.doc.append(&attempt_event(&lesson, 1, json!({q1.clone(): 1, q2.clone(): true}), false, "2026-11-29T11:00:00Z")).unwrap();
        client.sync(&doc, &mut phone).await;
        assert_eq!(attempts(&app, &me).await[1], (1, 2, 2, 100, true));
        let done = completions(&app, &me).await;
        assert!(done.iter().any(|(l, _)| *l == lesson), "a passing attempt completes the lesson: {done:?}");
        // Synced again (another device, the same events): counted once.
        let mut laptop = Device::started("laptop");
        client.sync(&doc, &mut laptop).await;
        client.sync(&doc, &mut laptop).await;
        assert_eq!(attempts(&app, &me).await.len(), 2);

        // The second learner: half right on version 2 (fails at 70 %), then all right.
        let other_client = SyncClient::of(&app, &other_token);
        let other_doc = format!("progress-{other}-{}", course.id);
        let mut tablet = Device::started("tablet");
        tablet.doc.append(&attempt_event(&lesson, 2, json!({q1.clone(): 0, q2.clone(): false}), false, "2026-11-29T12:00:00Z")).unwrap();
        tablet.doc.append(&attempt_event(&lesson, 2, json!({q1.clone(): 0, q2.clone(): true}), false, "2026-11-29T12:05:00Z")).unwrap();
        other_client.sync(&other_doc, &mut tablet).await;
        assert_eq!(
            attempts(&app, &other).await,
            vec![(2, 1, 2, 50, false), (2, 2, 2, 100, true)]
        );

        let stats: QuizStats = parse(send(&app, &owner, Method::GET, &format!("{path}/stats"), None, 200).await);
        assert_eq!(stats.attempts, 4);
        assert_eq!(stats.learners, 2);
        assert_eq!(stats.learners_passed, 2);
        assert!((stats.pass_rate - 0.5).abs() < 1e-9, "{stats:?}");
        assert_eq!(stats.median_duration_ms, Some(30_000));
        let per_question: Vec<(&str, u32, u32)> = stats
            .questions
            .iter()
            .map(|q| (q.question_id.as_str(), q.answered, q.correct))
            .collect();
        // q1: right in all but the first (option 0 is right on version 2); q2: in the second
        // and the fourth. Each attempt is judged by its own version.
        assert_eq!(per_question, vec![(q1.as_str(), 4, 3), (q2.as_str(), 4, 2)]);
        // Learners see no statistics.
        let res = app.bearer(Method::GET, &format!("{path}/stats"), &token).send().await.unwrap();
        assert_eq!(res.status(), 403);
    }
);
