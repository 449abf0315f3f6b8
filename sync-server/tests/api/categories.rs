//! Categories: everyone lists them with their published course counts; admins create, rename and
//! delete them, never one a course uses.

use reqwest::Method;
use serde_json::json;
use shared::api::courses::Category;
use shared::api::ErrorBody;

use crate::both_backends;
use crate::helpers::{error_code, TestApp, DEMO_PASSWORD};

both_backends!(
    async fn admins_manage_categories_and_a_used_one_is_never_deleted(backend) {
        let app = TestApp::spawn(backend).await;
        // Start from no categories: the demo courses bring their own.
        crate::on_db!(&app.db, pool => {
            sqlx::query("DELETE FROM courses").execute(pool).await.unwrap();
            sqlx::query("DELETE FROM categories").execute(pool).await.unwrap();
        });
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let input = json!({"slug": "programming", "name_en": "Programming", "name_ru": "Программирование"});

        let res = app.anonymous(Method::POST, "/api/categories").json(&input).send().await.unwrap();
        assert_eq!(error_code(res, 401).await, "unauthenticated");
        for token in [&teacher, &student] {
            let res = app.bearer(Method::POST, "/api/categories", token).json(&input).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
        }
        let res = app.bearer(Method::POST, "/api/categories", &admin).json(&input).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let programming: Category = res.json().await.unwrap();
        assert_eq!((programming.slug.as_str(), programming.name_ru.as_str(), programming.course_count),
            ("programming", "Программирование", 0));
        let res = app.bearer(Method::POST, "/api/categories", &admin).json(&input).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let res = app.bearer(Method::POST, "/api/categories", &admin)
            .json(&json!({"slug": "Bad Slug", "name_en": "x", "name_ru": "x"})).send().await.unwrap();
        let body: ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.field.as_deref(), Some("slug"));
        let res = app.bearer(Method::POST, "/api/categories", &admin)
            .json(&json!({"slug": "maths", "name_en": "x".repeat(61), "name_ru": "x"})).send().await.unwrap();
        let body: ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.field.as_deref(), Some("name_en"));
        let maths: Category = app.bearer(Method::POST, "/api/categories", &admin)
            .json(&json!({"slug": "maths", "name_en": "Maths", "name_ru": "Математика"}))
            .send().await.unwrap().json().await.unwrap();

        // Renaming; taking another category's slug is a conflict.
        let res = app.bearer(Method::PATCH, &format!("/api/categories/{}", maths.id), &admin)
            .json(&json!({"slug": "programming", "name_en": "Maths", "name_ru": "Математика"}))
            .send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        let renamed: Category = app.bearer(Method::PATCH, &format!("/api/categories/{}", maths.id), &admin)
            .json(&json!({"slug": "mathematics", "name_en": "Mathematics", "name_ru": "Математика"}))
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(renamed.slug, "mathematics");

        // A draft course in a category: it counts as used, but not as a published course.
        let course: serde_json::Value = app.bearer(Method::POST, "/api/courses", &teacher)
            .json(&json!({"title": "Rust", "language": "en", "level": "beginner"}))
            .send().await.unwrap().json().await.unwrap();
        let c = course["id"].as_str().unwrap().to_owned();
        let res = app.bearer(Method::PATCH, &format!("/api/courses/{c}"), &teacher)
            .json(&json!({"category": programming.id})).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let listed: Vec<Category> = app.get_json("/api/categories", 200).await;
        assert_eq!(listed.iter().map(|c| (c.slug.as_str(), c.course_count)).collect::<Vec<_>>(),
            vec![("mathematics", 0), ("programming", 0)]);
        let res = app.bearer(Method::DELETE, &format!("/api/categories/{}", programming.id), &admin)
            .send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");
        assert_eq!(app.count("SELECT COUNT(*) FROM categories WHERE id = $1", programming.id.to_string()).await, 1);

        // Published, it is counted.
        let module: serde_json::Value = app.bearer(Method::POST, &format!("/api/courses/{c}/modules"), &teacher)
            .json(&json!({"title": "M"})).send().await.unwrap().json().await.unwrap();
        let m = module["id"].as_str().unwrap();
        app.bearer(Method::POST, &format!("/api/courses/{c}/modules/{m}/lessons"), &teacher)
            .json(&json!({"title": "L"})).send().await.unwrap();
        let res = app.bearer(Method::PUT, &format!("/api/courses/{c}/status"), &teacher)
            .json(&json!({"status": "published"})).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let by_slug = sync_server::catalog::categories::category_by_slug(&app.db, "programming").await.unwrap();
        assert_eq!(by_slug.map(|c| c.course_count), Some(1));

        // Unused: deleted. Unknown or malformed ids: 404.
        for token in [&teacher, &student] {
            let res = app.bearer(Method::DELETE, &format!("/api/categories/{}", renamed.id), token).send().await.unwrap();
            assert_eq!(error_code(res, 403).await, "forbidden");
        }
        let res = app.bearer(Method::DELETE, &format!("/api/categories/{}", renamed.id), &admin).send().await.unwrap();
        assert_eq!(res.status(), 204);
        let res = app.bearer(Method::DELETE, &format!("/api/categories/{}", renamed.id), &admin).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app.bearer(Method::PATCH, "/api/categories/not-an-id", &admin)
            .json(&json!({"slug": "x1", "name_en": "x", "name_ru": "x"})).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let listed: Vec<Category> = app.get_json("/api/categories", 200).await;
        assert_eq!(listed.len(), 1);
    }
);
