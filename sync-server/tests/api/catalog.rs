//! The catalog as visitors and learners read it: filtered and sorted listings paged by cursor,
//! course pages (drafts and archived courses only for those who may see them), lessons for
//! enrolled learners, and the ETag / 304 revalidation of public reads.

use reqwest::Method;
use shared::api::courses::{CourseDetail, CoursePage, CourseSummary, LessonView};

use crate::both_backends;
use crate::helpers::{minutes_ago, CourseSpec, Role, SeededCourse, TestApp, DEMO_PASSWORD};

/// Sets a course's derived counters as enrollments and reviews would have left them.
async fn set_counters(
    app: &TestApp,
    course: &SeededCourse,
    enrolled: i32,
    ratings: i32,
    stars: i32,
) {
    let centi = if ratings > 0 {
        stars * 100 / ratings
    } else {
        0
    };
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "UPDATE courses SET enrollment_count = $1, rating_count = $2, rating_sum = $3, \
             rating_centi = $4 WHERE id = $5",
        )
        .bind(enrolled)
        .bind(ratings)
        .bind(stars)
        .bind(centi)
        .bind(&course.id)
        .execute(pool)
        .await
        .unwrap();
    });
    app.db.catalog_generation().advance();
}

/// Every course of a listing, page by page; checks each page's size and that paging ends.
async fn page_through(app: &TestApp, query: &str, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = format!("/api/courses?{query}&limit={limit}");
    for _ in 0..100 {
        let page: CoursePage = app.get_json(&path, 200).await;
        assert!(page.items.len() <= limit, "{path}: page size");
        seen.extend(page.items.into_iter().map(|c| c.slug));
        match page.next_cursor {
            Some(cursor) => path = format!("/api/courses?{query}&limit={limit}&cursor={cursor}"),
            None => return seen,
        }
    }
    panic!("{query}: paging does not end");
}

both_backends!(
    async fn filters_and_sorts_page_through_every_course_once_in_order(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_category("science").await;
        app.insert_category("art").await;
        let course = |slug: &str, ago: i64, language: &'static str, level: &'static str, price: i32| {
            CourseSpec {
                slug: slug.into(),
                category: Some("science".into()),
                published_at: Some(minutes_ago(ago)),
                language,
                level,
                price_minor: price,
                ..CourseSpec::default()
            }
        };
        let a = app.insert_course(course("a", 50, "en", "beginner", 0)).await;
        let b = app.insert_course(course("b", 40, "ru", "intermediate", 1000)).await;
        let c = app.insert_course(course("c", 30, "en", "beginner", 0)).await;
        let d = app.insert_course(course("d", 20, "en", "advanced", 500)).await;
        let e = app.insert_course(course("e", 10, "ru", "beginner", 0)).await;
        // Never listed: a draft and an archived course in the same category.
        app.insert_course(CourseSpec { status: "draft", published_at: None, ..course("f", 5, "en", "beginner", 0) }).await;
        app.insert_course(CourseSpec { status: "archived", ..course("g", 5, "en", "beginner", 0) }).await;
        set_counters(&app, &a, 3, 2, 9).await; // 4.50 from 2
        set_counters(&app, &b, 10, 4, 18).await; // 4.50 from 4
        set_counters(&app, &d, 3, 1, 5).await; // 5.00
        set_counters(&app, &e, 1, 3, 12).await; // 4.00
        let _ = c;

        let cases: &[(&str, &[&str])] = &[
            ("category=science", &["e", "d", "c", "b", "a"]),
            ("category=science&sort=newest", &["e", "d", "c", "b", "a"]),
            ("category=science&sort=top_rated", &["d", "b", "a", "e", "c"]),
            // a and d tie on enrollments: the later id (d) first.
            ("category=science&sort=most_enrolled", &["b", "d", "a", "e", "c"]),
            ("category=science&price=free", &["e", "c", "a"]),
            ("category=science&price=paid&sort=top_rated", &["d", "b"]),
            ("category=science&language=ru", &["e", "b"]),
            ("category=science&level=beginner&language=en", &["c", "a"]),
            ("category=science&level=advanced&sort=most_enrolled", &["d"]),
            ("category=art", &[]),
        ];
        for (query, expected) in cases {
            for limit in [1, 2, 3, 100] {
                let seen = page_through(&app, query, limit).await;
                assert_eq!(seen, *expected, "{query} limit {limit}");
            }
        }

        // Without filters the demo courses are there too, each exactly once, drafts never.
        for sort in ["newest", "top_rated", "most_enrolled"] {
            let all = page_through(&app, &format!("sort={sort}"), 100).await;
            let paged = page_through(&app, &format!("sort={sort}"), 3).await;
            assert_eq!(all, paged, "{sort}");
            assert!(!all.contains(&"f".to_owned()) && !all.contains(&"g".to_owned()));
            let unique: std::collections::HashSet<_> = all.iter().collect();
            assert_eq!(unique.len(), all.len(), "{sort}: no duplicates");
        }
    }
);

both_backends!(
    async fn unknown_filters_and_foreign_cursors_are_400_naming_the_field(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_category("science").await;
        for (query, field) in [
            ("sort=oldest", "sort"),
            ("level=expert", "level"),
            ("language=de", "language"),
            ("price=cheap", "price"),
            ("category=no-such-category", "category"),
            ("sort=NEWEST", "sort"),
            ("level=", "level"),
            ("price=", "price"),
            ("language=", "language"),
            ("sort=", "sort"),
        ] {
            let res = app.get(&format!("/api/courses?{query}")).await;
            assert_eq!(res.status(), 400, "{query}");
            let body: shared::api::ErrorBody = res.json().await.unwrap();
            assert_eq!(body.error.code.as_str(), "validation_failed", "{query}");
            assert_eq!(body.error.field.as_deref(), Some(field), "{query}");
        }
        // A cursor from one sort is refused by another.
        let page: CoursePage = app.get_json("/api/courses?sort=top_rated&limit=1", 200).await;
        let cursor = page.next_cursor.expect("demo courses fill more than one page");
        let ok: CoursePage = app
            .get_json(&format!("/api/courses?sort=top_rated&limit=1&cursor={cursor}"), 200)
            .await;
        assert_eq!(ok.items.len(), 1);
        for sort in ["newest", "most_enrolled"] {
            let res = app.get(&format!("/api/courses?sort={sort}&cursor={cursor}")).await;
            assert_eq!(res.status(), 400);
            let body: shared::api::ErrorBody = res.json().await.unwrap();
            assert_eq!(body.error.field.as_deref(), Some("cursor"));
        }
    }
);

both_backends!(
    async fn a_course_page_shows_its_syllabus_by_id_and_by_slug(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.insert_course(CourseSpec {
            slug: "syllabus".into(),
            modules: vec![3, 1],
            ..CourseSpec::default()
        }).await;
        let by_id: CourseDetail = app.get_json(&format!("/api/courses/{}", course.id), 200).await;
        let by_slug: CourseDetail = app.get_json("/api/courses/syllabus", 200).await;
        assert_eq!(by_id, by_slug);
        assert_eq!(by_id.summary.slug, "syllabus");
        assert_eq!(by_id.summary.teacher.display_name, "Demo Teacher");
        assert_eq!(by_id.summary.lesson_count, 4);
        assert_eq!(by_id.modules.len(), 2);
        assert_eq!(by_id.modules[0].lessons.len(), 3);
        assert_eq!(by_id.modules[0].lessons[0].title, "Lesson 1.1");
        assert_eq!(by_id.modules[1].lessons[0].estimated_minutes, 7);
        let ids: Vec<String> = by_id.modules.iter().flat_map(|m| &m.lessons).map(|l| l.id.to_string()).collect();
        assert_eq!(ids, course.lessons);
        app.get_error_code("/api/courses/no-such-course", 404).await;
        app.get_error_code(&format!("/api/courses/{}", uuid::Uuid::now_v7()), 404).await;
    }
);

both_backends!(
    async fn strangers_cannot_read_a_draft_and_only_enrolled_learners_an_archived_course(backend) {
        let app = TestApp::spawn(backend).await;
        app.insert_user("other.teacher@example.com", Role::Teacher).await;
        let draft = app.draft_course("secret-draft").await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let other = app.token_for("other.teacher@example.com", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let path = format!("/api/courses/{}", draft.slug);
        assert_eq!(app.get(&path).await.status(), 404);
        for (token, status) in [(&student, 404), (&other, 404), (&teacher, 200), (&admin, 200)] {
            let res = app.bearer(Method::GET, &path, token).send().await.unwrap();
            assert_eq!(res.status(), status);
        }
        // The teacher's view of a draft is not cached for anyone else.
        assert_eq!(app.get(&path).await.status(), 404);
        let listed: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        assert!(listed.items.iter().all(|c| c.slug != "secret-draft"));

        let course = app.published_course("to-archive").await;
        app.enroll(&student, &course.id).await;
        app.set_course_status(&course.id, "archived").await;
        let path = format!("/api/courses/{}", course.id);
        assert_eq!(app.get(&path).await.status(), 404);
        for (token, status) in [(&student, 200), (&other, 404), (&teacher, 200), (&admin, 200)] {
            let res = app.bearer(Method::GET, &path, token).send().await.unwrap();
            assert_eq!(res.status(), status);
            if status == 200 {
                assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
            }
        }
    }
);

both_backends!(
    async fn lessons_are_for_enrolled_learners_the_teacher_and_admins(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("readable").await;
        let elsewhere = app.published_course("elsewhere").await;
        let learner = app.student_token("learner@example.com").await;
        let stranger = app.student_token("stranger@example.com").await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        app.enroll(&learner, &course.slug).await;
        let lesson_path = |i: usize| format!("/api/courses/{}/lessons/{}", course.slug, course.lessons[i]);

        assert_eq!(app.get(&lesson_path(0)).await.status(), 401);
        let res = app.bearer(Method::GET, &lesson_path(0), &stranger).send().await.unwrap();
        assert_eq!(crate::helpers::error_code(res, 403).await, "forbidden");
        for token in [&learner, &teacher, &admin] {
            let res = app.bearer(Method::GET, &lesson_path(1), token).send().await.unwrap();
            assert_eq!(res.status(), 200);
        }

        // Previous / next run across modules (two modules of two lessons).
        let view: LessonView = app.bearer(Method::GET, &lesson_path(1), &learner)
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(view.position, 2);
        assert_eq!(view.lesson_count, 4);
        assert_eq!(view.html, "<p>Lesson 1.2</p>");
        assert_eq!(view.module_title, "Module 1");
        assert_eq!(view.module_id.to_string(), course.modules[0]);
        assert_eq!(view.previous.unwrap().id.to_string(), course.lessons[0]);
        assert_eq!(view.next.unwrap().id.to_string(), course.lessons[2]);
        let first: LessonView = app.bearer(Method::GET, &lesson_path(0), &learner)
            .send().await.unwrap().json().await.unwrap();
        assert!(first.previous.is_none());
        let last: LessonView = app.bearer(Method::GET, &lesson_path(3), &learner)
            .send().await.unwrap().json().await.unwrap();
        assert!(last.next.is_none());
        assert_eq!(last.module_title, "Module 2");

        // A lesson of another course, or no lesson at all, is not found here.
        for path in [
            format!("/api/courses/{}/lessons/{}", course.slug, elsewhere.lessons[0]),
            format!("/api/courses/{}/lessons/not-a-lesson", course.slug),
            format!("/api/courses/no-such-course/lessons/{}", course.lessons[0]),
        ] {
            let res = app.bearer(Method::GET, &path, &learner).send().await.unwrap();
            assert_eq!(res.status(), 404, "{path}");
        }
        // A draft's lessons are as hidden as the draft.
        let draft = app.draft_course("draft-lessons").await;
        let path = format!("/api/courses/{}/lessons/{}", draft.id, draft.lessons[0]);
        let res = app.bearer(Method::GET, &path, &learner).send().await.unwrap();
        assert_eq!(res.status(), 404);
        let res = app.bearer(Method::GET, &path, &teacher).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
);

/// GETs `path` with `If-None-Match: etag`; the status and the new ETag.
pub(crate) async fn revalidate(app: &TestApp, path: &str, etag: &str) -> (u16, Option<String>) {
    let res = app
        .anonymous(Method::GET, path)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    let tag = res
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    (res.status().as_u16(), tag)
}

both_backends!(
    async fn catalog_reads_answer_304_until_a_write_makes_them_fresh(backend) {
        let app = TestApp::spawn(backend).await;
        let course = app.published_course("etagged").await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        for path in ["/api/courses?limit=100".to_owned(), format!("/api/courses/{}", course.slug)] {
            let res = app.get(&path).await;
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers().get("cache-control").unwrap(), "no-cache");
            let etag = res.headers().get("etag").expect("an ETag").to_str().unwrap().to_owned();
            assert_eq!(revalidate(&app, &path, &etag).await, (304, Some(etag.clone())), "{path}");
            // A signed-in reader gets the same public body and tag.
            let res = app.bearer(Method::GET, &path, &student).send().await.unwrap();
            assert_eq!(res.headers().get("etag").unwrap().to_str().unwrap(), etag);
            assert_eq!(revalidate(&app, &path, "\"something-else\"").await.0, 200);
        }

        let list_tag = app.get("/api/courses?limit=100").await.headers()["etag"].to_str().unwrap().to_owned();
        let page_tag = app.get(&format!("/api/courses/{}", course.slug)).await.headers()["etag"].to_str().unwrap().to_owned();
        // A write (an enrollment changes the course's count) makes the next reads fresh.
        app.enroll(&student, &course.slug).await;
        let (status, tag) = revalidate(&app, "/api/courses?limit=100", &list_tag).await;
        assert_eq!(status, 200);
        assert_ne!(tag.unwrap(), list_tag);
        let page: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        let listed: &CourseSummary = page.items.iter().find(|c| c.slug == "etagged").unwrap();
        assert_eq!(listed.enrollment_count, 1);
        let path = format!("/api/courses/{}", course.slug);
        assert_eq!(revalidate(&app, &path, &page_tag).await.0, 200);
        let detail: CourseDetail = app.get_json(&path, 200).await;
        assert_eq!(detail.summary.enrollment_count, 1);
        // Unpublishing hides the cached page at once.
        app.set_course_status(&course.id, "draft").await;
        assert_eq!(app.get(&path).await.status(), 404);
    }
);
