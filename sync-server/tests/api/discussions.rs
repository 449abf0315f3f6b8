//! Lesson discussions: enrolled learners and the course's teacher talk under a lesson, one level
//! of replies; authors edit and delete their own posts; the teacher pins, hides and marks the
//! answer; reports; sanitised Markdown; size and rate limits that store nothing; and the notices
//! of replies (the bell at once, a daily mail digest unless turned off).

use reqwest::Method;
use serde_json::{json, Value};
use shared::api::discussions::{Post, PostReportPage, Thread, ThreadPage};
use shared::api::notifications::NotificationList;

use crate::both_backends;
use crate::helpers::{
    error_code, eventually, quick_retries, Options, SeededCourse, TestApp, DEMO_PASSWORD,
};

fn posts_path(lesson: &str) -> String {
    format!("/api/lessons/{lesson}/posts")
}

async fn post(app: &TestApp, token: &str, lesson: &str, body: Value) -> reqwest::Response {
    app.bearer(Method::POST, &posts_path(lesson), token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Writes a post, expecting 201.
async fn post_ok(app: &TestApp, token: &str, lesson: &str, body: Value) -> Post {
    let res = post(app, token, lesson, body).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.json().await.unwrap()
}

async fn threads(app: &TestApp, token: &str, lesson: &str) -> ThreadPage {
    let res = app
        .bearer(Method::GET, &posts_path(lesson), token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn moderate(app: &TestApp, token: &str, post: &str, body: Value) -> reqwest::Response {
    app.bearer(Method::PUT, &format!("/api/posts/{post}/moderation"), token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn post_count(app: &TestApp, lesson: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM lesson_posts WHERE lesson_id = $1",
        lesson,
    )
    .await
}

async fn notifications(app: &TestApp, token: &str) -> NotificationList {
    let res = app
        .bearer(Method::GET, "/api/notifications", token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// A published course of the demo teacher and enrolled learners' tokens.
async fn class(app: &TestApp, slug: &str, learners: &[&str]) -> (SeededCourse, Vec<String>) {
    let course = app.published_course(slug).await;
    let mut tokens = Vec::new();
    for email in learners {
        let token = app.student_token(email).await;
        app.enroll(&token, &course.slug).await;
        tokens.push(token);
    }
    (course, tokens)
}

both_backends!(
    async fn enrolled_learners_post_and_reply_one_level_deep_and_participants_are_told(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) =
            class(&app, "talk", &["ann@example.com", "bob@example.com", "cy@example.com"]).await;
        let [ann, bob, cy] = [&tokens[0], &tokens[1], &tokens[2]];
        let lesson = &course.lessons[0];
        let empty = threads(&app, ann, lesson).await;
        assert!(empty.items.is_empty() && !empty.can_moderate);

        let root = post_ok(&app, ann, lesson, json!({"body": "How do **loops** end?"})).await;
        assert!(root.mine && root.parent_id.is_none());
        assert_eq!(root.html, "<p>How do <strong>loops</strong> end?</p>\n");
        assert_eq!(root.markdown.as_deref(), Some("How do **loops** end?"));
        let reply = post_ok(&app, bob, lesson, json!({"body": "With break.", "parent_id": root.id})).await;
        assert_eq!(reply.parent_id.as_ref(), Some(&root.id));

        // A reply to a reply is refused, and nothing is stored.
        let res = post(&app, cy, lesson, json!({"body": "Deeper", "parent_id": reply.id})).await;
        assert_eq!(error_code(res, 422).await, "unprocessable_content");
        assert_eq!(post_count(&app, lesson).await, 2);
        // A thread of another lesson is no thread of this one.
        let res = post(&app, cy, &course.lessons[1], json!({"body": "Here?", "parent_id": root.id})).await;
        assert_eq!(error_code(res, 404).await, "not_found");

        let page = threads(&app, cy, lesson).await;
        assert_eq!(page.items.len(), 1);
        let thread = &page.items[0];
        assert_eq!(thread.root.id, root.id);
        assert_eq!(thread.root.author.as_deref(), Some("User ann@example.com"));
        assert!(!thread.root.mine && thread.root.markdown.is_none(), "not cy's post");
        assert_eq!(thread.replies.iter().map(|r| &r.id).collect::<Vec<_>>(), [&reply.id]);

        // Ann (the thread's author) heard of Bob's reply; Bob did not hear of his own.
        let ann_bell = notifications(&app, ann).await;
        assert_eq!(ann_bell.unread_count, 1);
        let link = ann_bell.items[0].link.as_deref().unwrap();
        assert_eq!(link, format!("/courses/{}/lessons/{lesson}#discussion", course.id));
        assert!(ann_bell.items[0].body.contains("User bob@example.com"));
        assert_eq!(notifications(&app, bob).await.unread_count, 0);
        // Cy's reply reaches both participants, never Cy.
        post_ok(&app, cy, lesson, json!({"body": "Or return.", "parent_id": root.id})).await;
        assert_eq!(notifications(&app, ann).await.unread_count, 2);
        assert_eq!(notifications(&app, bob).await.unread_count, 1);
        assert_eq!(notifications(&app, cy).await.unread_count, 0);
    }
);

both_backends!(
    async fn strangers_and_learners_of_other_courses_may_neither_read_nor_write(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "closed-talk", &["ann@example.com"]).await;
        let (_, others) = class(&app, "other-course", &["olga@example.com"]).await;
        let stranger = app.student_token("stranger@example.com").await;
        let lesson = &course.lessons[0];
        let root = post_ok(&app, &tokens[0], lesson, json!({"body": "Mine"})).await;
        for token in [&stranger, &others[0]] {
            let res = app.bearer(Method::GET, &posts_path(lesson), token).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
            let res = post(&app, token, lesson, json!({"body": "Let me in"})).await;
            assert_eq!(error_code(res, 403).await, "forbidden");
            let res = post(&app, token, lesson, json!({"body": "Hi", "parent_id": root.id})).await;
            assert_eq!(error_code(res, 403).await, "forbidden");
            let res = app
                .bearer(Method::POST, &format!("/api/posts/{}/reports", root.id), token)
                .json(&json!({"reason": "spam"}))
                .send()
                .await
                .unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
        }
        let res = app.anonymous(Method::GET, &posts_path(lesson)).send().await.unwrap();
        assert_eq!(error_code(res, 401).await, "unauthenticated");
        let res = app
            .anonymous(Method::POST, &posts_path(lesson))
            .json(&json!({"body": "Anonymous"}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 401).await, "unauthenticated");
        assert_eq!(post_count(&app, lesson).await, 1);
        let res = app
            .bearer(Method::GET, &posts_path("not-a-lesson"), &tokens[0])
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
    }
);

both_backends!(
    async fn only_authors_edit_and_delete_and_a_deleted_thread_keeps_its_replies(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "edits", &["ann@example.com", "bob@example.com"]).await;
        let (ann, bob) = (&tokens[0], &tokens[1]);
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let lesson = &course.lessons[0];
        let root = post_ok(&app, ann, lesson, json!({"body": "First"})).await;
        let reply = post_ok(&app, bob, lesson, json!({"body": "Second", "parent_id": root.id})).await;

        let path = format!("/api/posts/{}", root.id);
        for token in [bob, &teacher] {
            let res = app.bearer(Method::PATCH, &path, token).json(&json!({"body": "Hacked"})).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
            let res = app.bearer(Method::DELETE, &path, token).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
        }
        let res = app.bearer(Method::PATCH, &path, ann).json(&json!({"body": "First, _edited_"})).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let edited: Post = res.json().await.unwrap();
        assert_eq!(edited.html, "<p>First, <em>edited</em></p>\n");
        assert!(edited.edited_at.is_some());
        let res = app.bearer(Method::PATCH, &path, ann).json(&json!({"body": "  "})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");

        // Deleting the first post leaves a placeholder while a reply remains.
        let res = app.bearer(Method::DELETE, &path, ann).send().await.unwrap();
        assert_eq!(res.status(), 204);
        let page = threads(&app, bob, lesson).await;
        assert_eq!(page.items.len(), 1);
        let thread = &page.items[0];
        assert!(thread.root.deleted && thread.root.html.is_empty() && thread.root.author.is_none());
        assert_eq!(thread.replies[0].id, reply.id);
        let res = app.bearer(Method::PATCH, &path, ann).json(&json!({"body": "Back"})).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        // Its last reply gone too, the thread is gone.
        let res = app.bearer(Method::DELETE, &format!("/api/posts/{}", reply.id), bob).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert!(threads(&app, ann, lesson).await.items.is_empty());
    }
);

both_backends!(
    async fn the_teacher_pins_hides_and_marks_the_answer_and_reads_reports(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "moderated", &["ann@example.com", "bob@example.com"]).await;
        let (ann, bob) = (&tokens[0], &tokens[1]);
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let lesson = &course.lessons[0];
        let older = post_ok(&app, ann, lesson, json!({"body": "Older question"})).await;
        let newer = post_ok(&app, bob, lesson, json!({"body": "Newer question"})).await;
        let answer = post_ok(&app, &teacher, lesson, json!({"body": "The answer", "parent_id": older.id})).await;
        let rude = post_ok(&app, bob, lesson, json!({"body": "Rude words", "parent_id": older.id})).await;
        let order = |page: &ThreadPage| page.items.iter().map(|t| t.root.id.clone()).collect::<Vec<_>>();
        // Latest activity first: the older thread has the latest reply.
        assert_eq!(order(&threads(&app, ann, lesson).await), [older.id.clone(), newer.id.clone()]);

        // Learners may not moderate.
        let res = moderate(&app, ann, newer.id.as_str(), json!({"pinned": true})).await;
        assert_eq!(error_code(res, 403).await, "forbidden");
        let res = moderate(&app, &teacher, newer.id.as_str(), json!({"pinned": true})).await;
        assert_eq!(res.status(), 200);
        let pinned: Thread = res.json().await.unwrap();
        assert!(pinned.pinned);
        assert_eq!(order(&threads(&app, ann, lesson).await), [newer.id.clone(), older.id.clone()]);
        // Pins are for threads, answers for replies.
        let res = moderate(&app, &teacher, answer.id.as_str(), json!({"pinned": true})).await;
        assert_eq!(error_code(res, 422).await, "unprocessable_content");
        let res = moderate(&app, &teacher, older.id.as_str(), json!({"answer": true})).await;
        assert_eq!(error_code(res, 422).await, "unprocessable_content");

        let res = moderate(&app, &admin, answer.id.as_str(), json!({"answer": true})).await;
        let marked: Thread = res.json().await.unwrap();
        assert_eq!(marked.answer_id.as_ref(), Some(&answer.id));
        let res = moderate(&app, &teacher, rude.id.as_str(), json!({"hidden": true})).await;
        assert_eq!(res.status(), 200);

        // Learners see the answer marked and never the hidden reply.
        let page = threads(&app, ann, lesson).await;
        let thread = page.items.iter().find(|t| t.root.id == older.id).unwrap();
        assert_eq!(thread.replies.iter().map(|r| &r.id).collect::<Vec<_>>(), [&answer.id]);
        assert!(thread.replies[0].is_answer);
        // Nor can they reach it, its author included.
        let res = app.bearer(Method::PATCH, &format!("/api/posts/{}", rude.id), bob).json(&json!({"body": "x"})).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app
            .bearer(Method::POST, &format!("/api/posts/{}/reports", rude.id), ann)
            .json(&json!({"reason": "Rude"}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        // Moderators see it, marked hidden.
        let page = threads(&app, &teacher, lesson).await;
        assert!(page.can_moderate);
        let thread = page.items.iter().find(|t| t.root.id == older.id).unwrap();
        let hidden = thread.replies.iter().find(|r| r.id == rude.id).unwrap();
        assert!(hidden.hidden);

        // Reports: anyone who may read reports; the teacher and admins read them.
        let res = app
            .bearer(Method::POST, &format!("/api/posts/{}/reports", newer.id), ann)
            .json(&json!({"reason": "Off topic"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let reports_path = format!("/api/courses/{}/reports", course.slug);
        let res = app.bearer(Method::GET, &reports_path, ann).send().await.unwrap();
        assert_eq!(error_code(res, 403).await, "forbidden");
        let res = app.bearer(Method::GET, &reports_path, &teacher).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let reports: PostReportPage = res.json().await.unwrap();
        assert_eq!(reports.items.len(), 1);
        assert_eq!(reports.items[0].post_id, newer.id);
        assert_eq!(reports.items[0].reason, "Off topic");
        assert_eq!(reports.items[0].reporter.as_deref(), Some("User ann@example.com"));
    }
);

both_backends!(
    async fn scripts_event_handlers_and_javascript_links_are_stripped(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "safe", &["ann@example.com"]).await;
        let body = "Look <script>alert(1)</script> <img src=x onerror=\"alert(2)\"> \
                    [click](javascript:alert(3)) [docs](https://example.com)";
        let created = post_ok(&app, &tokens[0], &course.lessons[0], json!({"body": body})).await;
        let page = threads(&app, &tokens[0], &course.lessons[0]).await;
        for html in [&created.html, &page.items[0].root.html] {
            for bad in ["<script", "alert(1)", "onerror", "javascript:"] {
                assert!(!html.contains(bad), "{bad} in {html}");
            }
            assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
            assert!(html.contains("href=\"https://example.com\""), "{html}");
        }
    }
);

both_backends!(
    async fn oversized_posts_are_refused_and_nothing_is_stored(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "big", &["ann@example.com"]).await;
        let lesson = &course.lessons[0];
        // 100,000 characters are over the JSON body limit: refused before any handler runs.
        let res = post(&app, &tokens[0], lesson, json!({"body": "a".repeat(100_000)})).await;
        assert_eq!(error_code(res, 413).await, "payload_too_large");
        // Just over the post limit: the field is named.
        let res = post(&app, &tokens[0], lesson, json!({"body": "é".repeat(10_001)})).await;
        assert_eq!(res.status(), 400);
        let error: shared::api::ErrorBody = res.json().await.unwrap();
        assert_eq!(error.error.field.as_deref(), Some("body"));
        assert_eq!(error.error.reason, Some(shared::validate::Invalid::TooLong { max: 10_000 }));
        assert_eq!(post_count(&app, lesson).await, 0);
        // The limit itself is fine.
        post_ok(&app, &tokens[0], lesson, json!({"body": "é".repeat(10_000)})).await;
    }
);

both_backends!(
    async fn a_flood_of_posts_is_answered_429_with_retry_after_and_not_stored(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "flood", &["ann@example.com", "bob@example.com"]).await;
        let lesson = &course.lessons[0];
        for n in 0..5 {
            post_ok(&app, &tokens[0], lesson, json!({"body": format!("Post {n}")})).await;
        }
        let res = post(&app, &tokens[0], lesson, json!({"body": "One too many"})).await;
        let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_eq!(error_code(res, 429).await, "rate_limited");
        assert_eq!(post_count(&app, lesson).await, 5);
        // Deleting posts does not buy more.
        let page = threads(&app, &tokens[0], lesson).await;
        let path = format!("/api/posts/{}", page.items[0].root.id);
        assert_eq!(app.bearer(Method::DELETE, &path, &tokens[0]).send().await.unwrap().status(), 204);
        let res = post(&app, &tokens[0], lesson, json!({"body": "Still too many"})).await;
        assert_eq!(error_code(res, 429).await, "rate_limited");
        // The limit is the author's own: others still post.
        post_ok(&app, &tokens[1], lesson, json!({"body": "Hello"})).await;
    }
);

both_backends!(
    async fn a_burst_of_posts_sent_at_once_gets_no_more_than_the_allowance_through(backend) {
        let app = TestApp::spawn(backend).await;
        let (course, tokens) = class(&app, "burst", &["ann@example.com"]).await;
        let lesson = &course.lessons[0];
        // Twelve posts at once, on as many connections: each is counted after the one before.
        let sends: Vec<_> = (0..12)
            .map(|n| app.bearer(Method::POST, &posts_path(lesson), &tokens[0]).json(&json!({"body": format!("Burst {n}")})))
            .map(|request| tokio::spawn(request.send()))
            .collect();
        let mut statuses = Vec::new();
        for sent in sends {
            statuses.push(sent.await.unwrap().unwrap().status().as_u16());
        }
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 5, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7, "{statuses:?}");
        assert_eq!(post_count(&app, lesson).await, 5);
    }
);

/// The discussion digest jobs queued for `email`'s account.
async fn digest_jobs(app: &TestApp, email: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM jobs j JOIN users u ON u.id = j.user_id \
         WHERE j.kind = 'discussion_digest' AND u.email_key = $1",
        email,
    )
    .await
}

/// What every digest's subject says (in English).
const DIGEST_SUBJECT: &str = "in your discussions";

async fn digest_mails(app: &TestApp, to: &str) -> usize {
    app.mailbox(to)
        .await
        .into_iter()
        .filter(|m| m.subject.contains(DIGEST_SUBJECT))
        .count()
}

/// Makes every queued digest due now (as the end of the day would).
async fn make_digests_due(app: &TestApp) {
    crate::on_db!(&app.db, pool => {
        sqlx::query("UPDATE jobs SET run_at_ms = 0 WHERE kind = 'discussion_digest' AND status = 'pending'")
            .execute(pool)
            .await
            .unwrap();
    });
}

both_backends!(
    async fn the_digest_is_mailed_once_a_day_and_never_when_turned_off(backend) {
        let options = Options {
            worker: quick_retries(),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let emails = ["ann@example.com", "dora@example.com", "bob@example.com", "cy@example.com"];
        let (course, tokens) = class(&app, "digest", &emails).await;
        let [ann, dora, bob, cy] = [&tokens[0], &tokens[1], &tokens[2], &tokens[3]];
        let res = app
            .bearer(Method::PATCH, "/api/me", dora)
            .json(&json!({"discussion_digest": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(!app.me_ok(dora).await.discussion_digest);
        assert!(app.me_ok(ann).await.discussion_digest, "on by default");
        let lesson = &course.lessons[0];
        let anns = post_ok(&app, ann, lesson, json!({"body": "Ann asks"})).await;
        let doras = post_ok(&app, dora, lesson, json!({"body": "Dora asks"})).await;
        post_ok(&app, bob, lesson, json!({"body": "Bob answers <b>Ann</b>", "parent_id": anns.id})).await;
        post_ok(&app, bob, lesson, json!({"body": "Bob answers Dora", "parent_id": doras.id})).await;
        post_ok(&app, cy, lesson, json!({"body": "Cy agrees", "parent_id": anns.id})).await;
        // One digest a day for Ann however many replies; none for Dora, who turned it off, nor
        // for Bob, who wrote the replies (Cy's reply is one he takes part in, so he has one).
        assert_eq!(digest_jobs(&app, "ann@example.com").await, 1);
        assert_eq!(digest_jobs(&app, "dora@example.com").await, 0);
        assert_eq!(digest_jobs(&app, "bob@example.com").await, 1);
        // Bob opens the lesson's discussion: what he has seen leaves his digest.
        threads(&app, bob, lesson).await;

        make_digests_due(&app).await;
        let mail = app
            .wait_for_mail("ann@example.com", |m| m.subject.contains(DIGEST_SUBJECT))
            .await;
        assert!(mail.subject.contains("2 new replies"), "{}", mail.subject);
        let text = &mail.text;
        assert!(text.contains("User bob@example.com — Lesson 1.1: Bob answers <b>Ann</b>"), "{text}");
        assert!(text.contains("Cy agrees"), "{text}");
        assert!(!text.contains("Bob answers Dora"), "{text}");
        let html = &mail.html;
        assert!(html.contains("&lt;b&gt;Ann&lt;/b&gt;") && !html.contains("<b>Ann</b>"), "{html}");

        // Another reply today: no second digest is queued, none is sent.
        post_ok(&app, cy, lesson, json!({"body": "Cy again", "parent_id": anns.id})).await;
        assert_eq!(digest_jobs(&app, "ann@example.com").await, 1);
        eventually("the due digest jobs end", || async {
            let pending: i64 = crate::on_db!(&app.db, pool => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM jobs WHERE kind = 'discussion_digest' \
                     AND status = 'pending' AND run_at_ms = 0",
                )
                .fetch_one(pool)
                .await
                .unwrap()
            });
            pending == 0
        })
        .await;
        assert_eq!(digest_mails(&app, "ann@example.com").await, 1);
        assert_eq!(digest_mails(&app, "dora@example.com").await, 0);
        assert_eq!(digest_mails(&app, "bob@example.com").await, 0, "he had seen it all");

        // The mail's one-click link (RFC 8058) turns off the digest and nothing else; the same
        // link in the mail's text opens the page that asks first.
        let link = mail.list_unsubscribe.clone().expect("List-Unsubscribe");
        assert!(link.contains(".digest."), "{link}");
        let token = link.split("token=").nth(1).unwrap();
        assert!(mail.text.contains(&format!("/unsubscribe?token={token}")), "{}", mail.text);
        let forged = token.replace(".digest.", ".streak.");
        let res = app.client.post(link.replace(token, &forged)).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "invalid_token", "another list's name on this signature");
        let res = app.client.post(&link).header("content-type", "application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click").send().await.unwrap();
        assert_eq!(res.status(), 204);
        let me = app.me_ok(ann).await;
        assert_eq!((me.discussion_digest, me.card_reminders, me.streak_reminders), (false, true, true));
    }
);
