//! Reviews: enrolled learners only, one each and editable, the teacher's one reply, and a rating
//! that stays right through edits, deletes and concurrent writers.

use reqwest::Method;
use shared::api::courses::CourseDetail;
use shared::api::reviews::{Review, ReviewPage};

use crate::both_backends;
use crate::catalog::revalidate;
use crate::helpers::{error_code, Role, TestApp, DEMO_PASSWORD};

/// The course's rating as the course page shows it, and its stored hundredths.
async fn rating(app: &TestApp, course: &str) -> (Option<f32>, u32, i64) {
    let detail: CourseDetail = app.get_json(&format!("/api/courses/{course}"), 200).await;
    let centi = app
        .count(
            "SELECT CAST(rating_centi AS BIGINT) FROM courses WHERE slug = $1",
            course,
        )
        .await;
    (
        detail.summary.rating.average,
        detail.summary.rating.count,
        centi,
    )
}

both_backends!(
    async fn the_rating_stays_right_after_reviews_are_written_edited_and_deleted(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("rated").await;
        let ann = app.student_token("ann@example.com").await;
        let bob = app.student_token("bob@example.com").await;
        app.enroll(&ann, &course.slug).await;
        app.enroll(&bob, &course.slug).await;
        assert_eq!(rating(&app, "rated").await, (None, 0, 0));

        let res = app.put_review(&ann, "rated", 5, "Clear and kind.").await;
        assert_eq!(res.status(), 200);
        let review: Review = res.json().await.unwrap();
        assert_eq!((review.stars, review.body.as_str()), (5, "Clear and kind."));
        assert_eq!(review.author.as_deref(), Some("User ann@example.com"));
        assert_eq!(rating(&app, "rated").await, (Some(5.0), 1, 500));

        assert_eq!(app.put_review(&bob, "rated", 2, "").await.status(), 200);
        assert_eq!(rating(&app, "rated").await, (Some(3.5), 2, 350));

        // Editing replaces, never adds.
        let res = app.put_review(&ann, "rated", 4, "Still good.").await;
        let edited: Review = res.json().await.unwrap();
        assert_eq!(edited.id, review.id);
        assert_eq!(rating(&app, "rated").await, (Some(3.0), 2, 300));
        assert_eq!(app.count("SELECT COUNT(*) FROM course_reviews WHERE course_id = $1", &course.id).await, 2);

        let path = "/api/courses/rated/reviews/mine";
        let res = app.bearer(Method::DELETE, path, &bob).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(rating(&app, "rated").await, (Some(4.0), 1, 400));
        let res = app.bearer(Method::DELETE, path, &bob).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app.bearer(Method::DELETE, path, &ann).send().await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(rating(&app, "rated").await, (None, 0, 0));
    }
);

both_backends!(
    async fn two_learners_reviewing_at_once_are_both_counted(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("busy").await;
        let mut tokens = Vec::new();
        for i in 0..6 {
            let token = app.student_token(&format!("learner{i}@example.com")).await;
            app.enroll(&token, &course.slug).await;
            tokens.push(token);
        }
        // Every request is in flight before any is awaited.
        let writes: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let req = app
                    .bearer(Method::PUT, "/api/courses/busy/reviews/mine", token)
                    .json(&serde_json::json!({"stars": i % 5 + 1}));
                tokio::spawn(req.send())
            })
            .collect();
        for write in writes {
            assert_eq!(write.await.unwrap().unwrap().status(), 200);
        }
        // Stars 1, 2, 3, 4, 5, 1: 16 from 6.
        assert_eq!(rating(&app, "busy").await.1, 6);
        assert_eq!(app.count("SELECT CAST(rating_sum AS BIGINT) FROM courses WHERE slug = $1", "busy").await, 16);
        assert_eq!(rating(&app, "busy").await.2, 266);
        // And at once again, editing and deleting.
        let path = "/api/courses/busy/reviews/mine";
        let (a, b) = tokio::join!(
            app.put_review(&tokens[0], "busy", 5, ""),
            app.bearer(Method::DELETE, path, &tokens[1]).send(),
        );
        assert_eq!(a.status(), 200);
        assert_eq!(b.unwrap().status(), 204);
        // 16 - 1 + 5 - 2 = 18 from 5.
        assert_eq!(app.count("SELECT CAST(rating_sum AS BIGINT) FROM courses WHERE slug = $1", "busy").await, 18);
        assert_eq!(rating(&app, "busy").await, (Some(3.6), 5, 360));
    }
);

both_backends!(
    async fn only_enrolled_learners_may_review_and_never_someone_elses_review(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("guarded").await;
        let ann = app.student_token("ann@example.com").await;
        let stranger = app.student_token("stranger@example.com").await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        app.enroll(&ann, &course.slug).await;
        app.enroll(&teacher, &course.slug).await;

        let res = app.put_review(&stranger, "guarded", 1, "Never took it").await;
        assert_eq!(error_code(res, 403).await, "forbidden");
        let res = app.put_review(&teacher, "guarded", 5, "My own course!").await;
        assert_eq!(error_code(res, 403).await, "forbidden");
        let res = app.anonymous(Method::PUT, "/api/courses/guarded/reviews/mine")
            .json(&serde_json::json!({"stars": 1})).send().await.unwrap();
        assert_eq!(res.status(), 401);

        let mine: Review = app.put_review(&ann, "guarded", 4, "Good").await.json().await.unwrap();
        // Another learner's "mine" is their own: they cannot reach or delete Ann's review.
        let res = app.bearer(Method::GET, "/api/courses/guarded/reviews/mine", &stranger).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app.bearer(Method::DELETE, "/api/courses/guarded/reviews/mine", &stranger).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let still: Review = app.bearer(Method::GET, "/api/courses/guarded/reviews/mine", &ann)
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(still, mine);

        // Bad input is a 400 and changes nothing.
        for body in [
            serde_json::json!({"stars": 0}),
            serde_json::json!({"stars": 6}),
            serde_json::json!({"stars": 3, "body": "x".repeat(4001)}),
        ] {
            let res = app.bearer(Method::PUT, "/api/courses/guarded/reviews/mine", &ann)
                .json(&body).send().await.unwrap();
            assert_eq!(res.status(), 400, "{body}");
        }
        assert_eq!(rating(&app, "guarded").await, (Some(4.0), 1, 400));
    }
);

both_backends!(
    async fn the_teacher_replies_once_and_nobody_else_may(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_user("other.teacher@example.com", Role::Teacher).await;
        let course = app.published_course("replied").await;
        let other_course = app.published_course("other").await;
        let ann = app.student_token("ann@example.com").await;
        let bob = app.student_token("bob@example.com").await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let other = app.token_for("other.teacher@example.com", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        for token in [&ann, &bob] {
            app.enroll(token, &course.slug).await;
        }
        let anns: Review = app.put_review(&ann, "replied", 5, "").await.json().await.unwrap();
        let bobs: Review = app.put_review(&bob, "replied", 3, "").await.json().await.unwrap();
        let reply = |review: &Review| format!("/api/courses/replied/reviews/{}/reply", review.id);
        let body = serde_json::json!({"body": "Thank you!"});

        for token in [&ann, &bob, &other] {
            let res = app.bearer(Method::PUT, &reply(&anns), token).json(&body).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
        }
        let res = app.bearer(Method::PUT, &reply(&anns), &teacher).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let answered: Review = res.json().await.unwrap();
        assert_eq!(answered.reply.unwrap().body, "Thank you!");
        let res = app.bearer(Method::PUT, &reply(&anns), &teacher).json(&body).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let res = app.bearer(Method::PUT, &reply(&bobs), &admin).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 200);
        // A review is only reachable under its own course.
        let path = format!("/api/courses/{}/reviews/{}/reply", other_course.slug, bobs.id);
        let res = app.bearer(Method::PUT, &path, &teacher).json(&body).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app.bearer(Method::PUT, &reply(&anns), &teacher).json(&serde_json::json!({"body": " "})).send().await.unwrap();
        assert_eq!(res.status(), 400);
    }
);

both_backends!(
    async fn reviews_are_public_newest_first_page_by_page(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("listed").await;
        let mut written = Vec::new();
        for i in 0..5 {
            let token = app.student_token(&format!("l{i}@example.com")).await;
            app.enroll(&token, &course.slug).await;
            let review: Review = app.put_review(&token, "listed", 4, &format!("Review {i}")).await.json().await.unwrap();
            written.push(review.id);
        }
        written.reverse();
        let mut seen = Vec::new();
        let mut path = "/api/courses/listed/reviews?limit=2".to_owned();
        loop {
            let page: ReviewPage = app.get_json(&path, 200).await;
            assert!(page.items.len() <= 2);
            seen.extend(page.items.into_iter().map(|r| r.id));
            match page.next_cursor {
                Some(cursor) => path = format!("/api/courses/listed/reviews?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen, written);
        for query in ["limit=0", "cursor=forged"] {
            let code = app.get_error_code(&format!("/api/courses/listed/reviews?{query}"), 400).await;
            assert_eq!(code, "validation_failed");
        }
        let draft = app.draft_course("hidden").await;
        app.get_error_code(&format!("/api/courses/{}/reviews", draft.id), 404).await;
    }
);

both_backends!(
    async fn the_review_list_answers_304_until_a_review_or_an_authors_name_changes(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("etag-reviews").await;
        let ann = app.student_token("ann@example.com").await;
        app.enroll(&ann, &course.slug).await;
        let path = "/api/courses/etag-reviews/reviews";
        let tag_of = |res: &reqwest::Response| {
            res.headers().get("etag").expect("an ETag").to_str().unwrap().to_owned()
        };

        let res = app.get(path).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("cache-control").unwrap(), "no-cache");
        let empty = tag_of(&res);
        assert_eq!(revalidate(&app, path, &empty).await, (304, Some(empty.clone())));
        // A signed-in reader gets the same public body and tag.
        let res = app.bearer(Method::GET, path, &ann).send().await.unwrap();
        assert_eq!(tag_of(&res), empty);

        assert_eq!(app.put_review(&ann, "etag-reviews", 4, "Clear.").await.status(), 200);
        let (status, fresh) = revalidate(&app, path, &empty).await;
        assert_eq!(status, 200, "a new review makes the old tag stale");
        let page: ReviewPage = app.get_json(path, 200).await;
        assert_eq!(page.items[0].author.as_deref(), Some("User ann@example.com"));

        // The author renames herself: no cached page may keep the old name.
        let res = app
            .bearer(Method::PATCH, "/api/me", &ann)
            .json(&serde_json::json!({ "display_name": "Ann Lee" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let (status, renamed) = revalidate(&app, path, fresh.as_deref().unwrap()).await;
        assert_eq!(status, 200);
        assert_ne!(renamed, fresh);
        let page: ReviewPage = app.get_json(path, 200).await;
        assert_eq!(page.items[0].author.as_deref(), Some("Ann Lee"));

        // A draft's reviews are never cached nor tagged.
        let draft = app.draft_course("etag-draft").await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let path = format!("/api/courses/{}/reviews", draft.id);
        let res = app.bearer(Method::GET, &path, &teacher).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("etag").is_none());
        assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
        assert_eq!(app.get(&path).await.status(), 404);
    }
);
