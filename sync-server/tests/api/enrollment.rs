//! Enrollment: free courses at once and idempotently, paid ones refused with nothing stored,
//! drafts out of reach, leaving, and "My learning".

use reqwest::Method;
use shared::api::courses::{CourseDetail, EnrolledCourse, Enrollment};

use crate::both_backends;
use crate::helpers::{error_code, CourseSpec, TestApp};

async fn enrollment_count(app: &TestApp, course: &str) -> u32 {
    let detail: CourseDetail = app.get_json(&format!("/api/courses/{course}"), 200).await;
    detail.summary.enrollment_count
}

both_backends!(
    async fn enrolling_in_a_free_course_is_immediate_idempotent_and_counted(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("free-course").await;
        let learner = app.student_token("learner@example.com").await;
        let path = format!("/api/courses/{}/enrollment", course.slug);

        let before: Enrollment = app.bearer(Method::GET, &path, &learner).send().await.unwrap().json().await.unwrap();
        assert_eq!(before.enrolled_at, None);
        assert_eq!(before.course_id.to_string(), course.id);

        let res = app.bearer(Method::POST, &path, &learner).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let first: Enrollment = res.json().await.unwrap();
        assert!(first.enrolled_at.is_some());
        let res = app.bearer(Method::POST, &path, &learner).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let again: Enrollment = res.json().await.unwrap();
        assert_eq!(again, first);
        assert_eq!(enrollment_count(&app, &course.slug).await, 1);
        let now: Enrollment = app.bearer(Method::GET, &path, &learner).send().await.unwrap().json().await.unwrap();
        assert_eq!(now, first);

        let res = app.bearer(Method::DELETE, &path, &learner).send().await.unwrap();
        assert_eq!(res.status(), 204);
        let res = app.bearer(Method::DELETE, &path, &learner).send().await.unwrap();
        assert_eq!(res.status(), 204, "leaving twice is no change");
        assert_eq!(enrollment_count(&app, &course.slug).await, 0);
        let after: Enrollment = app.bearer(Method::GET, &path, &learner).send().await.unwrap().json().await.unwrap();
        assert_eq!(after.enrolled_at, None);

        assert_eq!(app.anonymous(Method::POST, &path).send().await.unwrap().status(), 401);
    }
);

both_backends!(
    async fn a_paid_course_is_payment_required_and_nothing_is_stored(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec { slug: "paid".into(), price_minor: 1999, ..CourseSpec::default() }).await;
        let learner = app.student_token("learner@example.com").await;
        let path = format!("/api/courses/{}/enrollment", course.id);
        let res = app.bearer(Method::POST, &path, &learner).send().await.unwrap();
        assert_eq!(error_code(res, 402).await, "payment_required");
        assert_eq!(app.count("SELECT COUNT(*) FROM enrollments WHERE course_id = $1", &course.id).await, 0);
        assert_eq!(enrollment_count(&app, &course.id).await, 0);
        let mine: Vec<EnrolledCourse> = app.bearer(Method::GET, "/api/me/courses", &learner).send().await.unwrap().json().await.unwrap();
        assert!(mine.is_empty());
    }
);

both_backends!(
    async fn a_draft_cannot_be_enrolled_in(backend) {
        let app = TestApp::spawn(backend).await;
        let draft = app.draft_course("draft").await;
        let learner = app.student_token("learner@example.com").await;
        let path = format!("/api/courses/{}/enrollment", draft.id);
        for method in [Method::POST, Method::GET, Method::DELETE] {
            let res = app.bearer(method.clone(), &path, &learner).send().await.unwrap();
            assert_eq!(error_code(res, 404).await, "not_found", "{method}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM enrollments WHERE course_id = $1", &draft.id).await, 0);
    }
);

both_backends!(
    async fn my_learning_lists_my_courses_most_recent_first(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.published_course("first").await;
        let second = app.published_course("second").await;
        let third = app.published_course("third").await;
        let learner = app.student_token("learner@example.com").await;
        let other = app.student_token("other@example.com").await;
        app.enroll(&learner, &second.slug).await;
        app.enroll(&learner, &first.slug).await;
        app.enroll(&other, &third.slug).await;
        let mine: Vec<EnrolledCourse> = app.bearer(Method::GET, "/api/me/courses", &learner).send().await.unwrap().json().await.unwrap();
        let slugs: Vec<_> = mine.iter().map(|e| e.course.slug.as_str()).collect();
        assert_eq!(slugs, ["first", "second"]);
        assert_eq!(mine[0].course.enrollment_count, 1);
        assert_eq!(app.anonymous(Method::GET, "/api/me/courses").send().await.unwrap().status(), 401);
    }
);
