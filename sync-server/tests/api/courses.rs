use std::collections::HashSet;

use shared::api::courses::{CourseLanguage, CoursePage};
use sync_server::App;

use crate::both_backends;
use crate::helpers::{Options, TestApp};

both_backends!(
    async fn catalog_lists_demo_courses_in_english_and_russian(backend) {
        let app = TestApp::spawn(backend).await;
        let page: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        assert!((6..=8).contains(&page.items.len()), "{}", page.items.len());
        assert_eq!(page.next_cursor, None);
        let languages: HashSet<_> = page.items.iter().map(|c| c.language).collect();
        assert_eq!(languages, HashSet::from([CourseLanguage::En, CourseLanguage::Ru]));
        let rust = page
            .items
            .iter()
            .find(|c| c.slug == "rust-from-zero")
            .expect("the Rust course");
        assert_eq!(rust.title, "Rust from zero");
        assert!(rust.lesson_count > 0 && rust.estimated_minutes > 0);
        assert!(uuid::Uuid::parse_str(rust.id.as_str()).is_ok());
    }
);

both_backends!(
    async fn paging_through_the_catalog_returns_every_course_once_in_order(backend) {
        let app = TestApp::spawn(backend).await;
        let all: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        let all_ids: Vec<String> = all.items.iter().map(|c| c.id.to_string()).collect();
        // Newest first (the default sort); courses published together, later id first.
        let mut sorted = all.items.clone();
        sorted.sort_by(|a, b| {
            (&b.published_at, b.id.as_str()).cmp(&(&a.published_at, a.id.as_str()))
        });
        let sorted: Vec<String> = sorted.iter().map(|c| c.id.to_string()).collect();
        assert_eq!(all_ids, sorted, "newest first, then by id");

        for limit in [1, 2, 3, 5] {
            let mut seen = Vec::new();
            let mut path = format!("/api/courses?limit={limit}");
            let mut pages = 0;
            loop {
                let page: CoursePage = app.get_json(&path, 200).await;
                pages += 1;
                assert!(page.items.len() <= limit, "page size");
                seen.extend(page.items.into_iter().map(|c| c.id.to_string()));
                match page.next_cursor {
                    Some(cursor) => path = format!("/api/courses?limit={limit}&cursor={cursor}"),
                    None => break,
                }
                assert!(pages <= all_ids.len(), "paging terminates");
            }
            assert_eq!(seen, all_ids, "limit {limit}: no duplicates, none missing");
        }
    }
);

both_backends!(
    async fn first_page_without_limit_uses_the_default_size(backend) {
        let app = TestApp::spawn(backend).await;
        let page: CoursePage = app.get_json("/api/courses", 200).await;
        // The demo catalog is smaller than the default page.
        assert!(page.items.len() <= shared::validate::PAGE_LIMIT_DEFAULT as usize);
        assert!(!page.items.is_empty());
    }
);

both_backends!(
    async fn bad_limits_and_cursors_are_400_json_errors(backend) {
        let app = TestApp::spawn(backend).await;
        for query in [
            "limit=0",
            "limit=101",
            "limit=abc",
            "limit=-1",
            "limit=1.5",
            // Empty is not a number: only an absent limit means the default.
            "limit=",
            "limit=%20",
            "limit=&cursor=",
            "cursor=garbage",
            "cursor=%F0%9F%A6%80",
            "limit=2&cursor=YzE6bm90LWEtdXVpZA",
        ] {
            let code = app.get_error_code(&format!("/api/courses?{query}"), 400).await;
            assert_eq!(code, "validation_failed", "{query}");
        }
        let res = app.get("/api/courses?limit=0").await;
        let body: shared::api::ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.message, "limit must be between 1 and 100");
        assert_eq!(body.error.field.as_deref(), Some("limit"));
        assert_eq!(
            body.error.reason,
            Some(shared::validate::Invalid::OutOfRange { min: 1, max: 100 })
        );
    }
);

both_backends!(
    async fn catalog_without_demo_data_is_empty(backend) {
        let options = Options {
            demo_data: false,
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let page: CoursePage = app.get_json("/api/courses", 200).await;
        assert!(page.items.is_empty());
        assert_eq!(page.next_cursor, None);
    }
);

both_backends!(
    async fn demo_data_loads_once_across_restarts(backend) {
        let app = TestApp::spawn(backend).await;
        let before: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        // A second start on the same database (a restart, or a second replica).
        let again = App::build(&app.config).await.expect("second start");
        again.db().close().await;
        let after: CoursePage = app.get_json("/api/courses?limit=100", 200).await;
        assert_eq!(before, after);
    }
);
