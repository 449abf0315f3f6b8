//! `GET /api/search`: words in any grammatical form and with typos, in English and Russian, over
//! published courses only, snippets escaped with `<mark>` around the matches, the same hits on
//! both backends.

use shared::api::search::{HitKind, SearchHit, SearchResults};
use shared::domain::{CourseId, LessonId};

use crate::both_backends;
use crate::helpers::{error_code, Backend, Role, TestApp};

/// A course written directly in the database (one module holding `lessons`), then indexed the way
/// every write does: `index_course` inside the writer's transaction.
async fn course(
    app: &TestApp,
    teacher: &str,
    (title, language, status): (&str, &str, &str),
    description: &str,
    lessons: &[(&str, &str)],
) -> (CourseId, Vec<LessonId>) {
    let id = CourseId::new();
    let module = uuid::Uuid::now_v7().to_string();
    let now = chrono::Utc::now();
    let published_at = (status == "published").then_some(now);
    crate::on_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO courses (id, slug, teacher_id, title, description, description_html, \
                                  language, level, status, published_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, '', $6, 'beginner', $7, $8, $9, $9)",
        )
        .bind(id.as_str())
        .bind(format!("course-{id}"))
        .bind(teacher)
        .bind(title)
        .bind(description)
        .bind(language)
        .bind(status)
        .bind(published_at)
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO course_modules (id, course_id, position, title, created_at) \
             VALUES ($1, $2, 0, 'Module', $3)",
        )
        .bind(&module)
        .bind(id.as_str())
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
    });
    let mut ids = Vec::new();
    for (position, (lesson_title, body)) in lessons.iter().enumerate() {
        let lesson = LessonId::new();
        crate::on_db!(&app.db, pool => {
            sqlx::query(
                "INSERT INTO lessons (id, course_id, module_id, position, title, body, body_html, \
                                      created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7, $7)",
            )
            .bind(lesson.as_str())
            .bind(id.as_str())
            .bind(&module)
            .bind(position as i32)
            .bind(*lesson_title)
            .bind(*body)
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
        });
        ids.push(lesson);
    }
    reindex(app, &id).await;
    (id, ids)
}

async fn reindex(app: &TestApp, course: &CourseId) {
    let mut tx = app.db.begin().await.unwrap();
    sync_server::search::index_course(&mut tx, course).await.unwrap();
    tx.commit().await.unwrap();
}

/// The library every test searches: English and Russian courses, published and draft.
struct Library {
    rust: CourseId,
    rust_lessons: Vec<LessonId>,
    russian: CourseId,
    russian_lessons: Vec<LessonId>,
    draft: CourseId,
}

async fn library(app: &TestApp) -> Library {
    let teacher = app.insert_user("author@example.com", Role::Teacher).await;
    let (rust, rust_lessons) = course(
        app,
        &teacher,
        ("Rust ownership in practice", "en", "published"),
        "Learn how **borrowing** and lifetimes keep memory safe.",
        &[
            (
                "References and borrowing",
                "A reference *borrows* a value without taking ownership of it.\n\n\
                 Mutable borrowing is exclusive: one `&mut` at a time.",
            ),
            (
                "Unsafe HTML in docs",
                "Never trust input like `<script>alert('borrowed')</script>` in a page.",
            ),
            ("Traits", "Traits describe shared behaviour of types."),
        ],
    )
    .await;
    let (russian, russian_lessons) = course(
        app,
        &teacher,
        ("Основы Rust", "ru", "published"),
        "Курс о правилах Rust для начинающих.",
        &[
            (
                "Право владения",
                "Каждое значение имеет владельца. Правила владения проверяет компилятор.",
            ),
            ("Заимствование", "Ссылки позволяют заимствовать значение (borrowing)."),
        ],
    )
    .await;
    let (draft, _) = course(
        app,
        &teacher,
        ("Secret borrowing draft", "en", "draft"),
        "Not yet published: borrowing secrets.",
        &[("Hidden borrowing lesson", "Borrowing, but nobody may see it yet.")],
    )
    .await;
    Library {
        rust,
        rust_lessons,
        russian,
        russian_lessons,
        draft,
    }
}

async fn search(app: &TestApp, query: &str) -> Vec<SearchHit> {
    let path = format!("/api/search?{}", serde_urlencoded(&[("q", query)]));
    let results: SearchResults = app.get_json(&path, 200).await;
    results.hits
}

fn serde_urlencoded(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn lesson_ids(hits: &[SearchHit]) -> Vec<Option<LessonId>> {
    hits.iter().map(|hit| hit.lesson_id.clone()).collect()
}

both_backends!(
    async fn russian_words_are_found_in_any_form_and_with_a_typo(backend) {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        let ownership = Some(library.russian_lessons[0].clone());
        for query in ["владение", "владения", "владенние", "ВЛАДЕНИЕМ", "владениэ"] {
            let hits = search(&app, query).await;
            assert_eq!(lesson_ids(&hits), [ownership.clone()], "{query}: {hits:?}");
            assert_eq!(hits[0].course_id, library.russian);
            assert_eq!(hits[0].kind, HitKind::Lesson);
            assert_eq!(hits[0].title, "Право владения");
            assert_eq!(hits[0].course_title, "Основы Rust");
        }
        let hits = search(&app, "владения").await;
        assert!(hits[0].snippet.contains("Правила <mark>владения</mark> проверяет"), "{hits:?}");
    }
);

both_backends!(
    async fn english_words_are_found_in_any_form_and_with_typos(backend) {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        for query in ["borrowing", "borowing", "Borrowed", "borroing", "barrowing"] {
            let hits = search(&app, query).await;
            let courses: Vec<&CourseId> = hits.iter().map(|hit| &hit.course_id).collect();
            assert!(courses.contains(&&library.rust), "{query}: {hits:?}");
            // The Russian lesson says "borrowing" too: the stemmer follows the word's script.
            assert!(courses.contains(&&library.russian), "{query}: {hits:?}");
        }
        let hits = search(&app, "borowing").await;
        let lesson = hits
            .iter()
            .find(|hit| hit.lesson_id.as_ref() == Some(&library.rust_lessons[0]))
            .expect("the borrowing lesson");
        assert!(lesson.snippet.contains("<mark>borrows</mark>"), "{}", lesson.snippet);
        assert!(lesson.snippet.contains("Mutable <mark>borrowing</mark> is"), "{}", lesson.snippet);
        // Every word of the query has to match.
        assert!(search(&app, "borrowing zebra").await.is_empty());
        assert!(search(&app, "mutable borrowing").await.len() == 1);
    }
);

both_backends!(
    async fn draft_courses_never_appear_and_leave_when_unpublished(backend) {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        for query in ["secret", "hidden", "nobody", "borrowing"] {
            let hits = search(&app, query).await;
            assert!(hits.iter().all(|hit| hit.course_id != library.draft), "{query}: {hits:?}");
        }
        assert!(search(&app, "secret").await.is_empty());

        // Archiving a published course takes it out of search at the next index.
        crate::on_db!(&app.db, pool => sqlx::query("UPDATE courses SET status = 'archived' WHERE id = $1")
            .bind(library.rust.as_str())
            .execute(pool)
            .await
            .map(drop)
            .unwrap());
        reindex(&app, &library.rust).await;
        let hits = search(&app, "borrowing").await;
        assert!(hits.iter().all(|hit| hit.course_id == library.russian), "{hits:?}");
        assert!(search(&app, "traits").await.is_empty());
    }
);

both_backends!(
    async fn course_and_lesson_hits_are_ranked_together(backend) {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        let hits = search(&app, "borrowing").await;
        let kinds: std::collections::HashSet<HitKind> = hits.iter().map(|hit| hit.kind).collect();
        assert_eq!(kinds, [HitKind::Course, HitKind::Lesson].into(), "{hits:?}");
        let course = hits.iter().find(|hit| hit.kind == HitKind::Course).unwrap();
        assert_eq!(course.course_id, library.rust);
        assert_eq!(course.lesson_id, None);
        assert!(course.snippet.contains("<mark>borrowing</mark>"), "{}", course.snippet);
        // Best first; a title hit outranks a passing mention.
        assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score), "{hits:?}");
        assert_eq!(hits[0].lesson_id, Some(library.rust_lessons[0].clone()), "{hits:?}");

        let hits = search(&app, "rust").await;
        assert!(hits.iter().any(|hit| hit.course_id == library.rust && hit.kind == HitKind::Course));
        assert!(hits.iter().any(|hit| hit.course_id == library.russian && hit.kind == HitKind::Course));

        // The language filter and the limit.
        let path = "/api/search?q=borrowing&language=ru";
        let results: SearchResults = app.get_json(path, 200).await;
        assert!(!results.hits.is_empty());
        assert!(results.hits.iter().all(|hit| hit.course_id == library.russian), "{results:?}");
        let results: SearchResults = app.get_json("/api/search?q=borrowing&limit=1", 200).await;
        assert_eq!(results.hits.len(), 1);
        let results: SearchResults = app.get_json("/api/search?q=%20%20Rust%20", 200).await;
        assert_eq!(results.query, "Rust");
    }
);

both_backends!(
    async fn markup_in_a_lesson_comes_back_escaped_in_the_snippet(backend) {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        let hits = search(&app, "alert").await;
        assert_eq!(lesson_ids(&hits), [Some(library.rust_lessons[1].clone())], "{hits:?}");
        let snippet = &hits[0].snippet;
        assert!(
            snippet.contains("&lt;script&gt;<mark>alert</mark>(&#39;borrowed&#39;)&lt;/script&gt;"),
            "{snippet}"
        );
        let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(!without_marks.contains('<') && !without_marks.contains('>'), "{snippet}");
        // A query full of markup or search syntax is only words to search for.
        assert_eq!(search(&app, "<script>\"alert\"(*)").await.len(), 1);
        assert!(search(&app, "alert OR zebra").await.is_empty());
    }
);

both_backends!(
    async fn bad_search_parameters_are_400_naming_the_field(backend) {
        let app = TestApp::spawn(backend).await;
        let long = "a".repeat(201);
        for (query, field) in [
            ("", "q"),
            ("q=", "q"),
            ("q=%20%20", "q"),
            (&format!("q={long}") as &str, "q"),
            ("q=a%0Ab", "q"),
            ("q=rust&language=de", "language"),
            ("q=rust&language=", "language"),
            ("q=rust&limit=0", "limit"),
            ("q=rust&limit=101", "limit"),
            ("q=rust&limit=ten", "limit"),
        ] {
            let res = app.get(&format!("/api/search?{query}")).await;
            assert_eq!(res.status().as_u16(), 400, "{query}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"]["code"], "validation_failed", "{query}: {body}");
            assert_eq!(body["error"]["field"], field, "{query}: {body}");
        }
        assert_eq!(error_code(app.get("/api/search?q=rust&limit=1&limit=2").await, 400).await, "bad_request");
        // 200 characters is still a query.
        let results: SearchResults = app.get_json(&format!("/api/search?q={}", "a".repeat(200)), 200).await;
        assert!(results.hits.is_empty());
    }
);

/// Both engines give the same hits for the same data, in the same order where scores differ.
#[tokio::test]
async fn sqlite_and_postgres_find_the_same_hits() {
    let mut found = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn(backend).await;
        let library = library(&app).await;
        // Ids differ per database: compare what they point at.
        let name = |hit: &SearchHit| {
            let course = if hit.course_id == library.rust {
                "rust"
            } else if hit.course_id == library.russian {
                "russian"
            } else {
                "other"
            };
            let lesson = hit.lesson_id.as_ref().map(|id| {
                library
                    .rust_lessons
                    .iter()
                    .chain(&library.russian_lessons)
                    .position(|l| l == id)
                    .map_or(99, |at| at)
            });
            (course, lesson, hit.snippet.clone())
        };
        let mut per_query = Vec::new();
        for query in ["borrowing", "borowing", "владенние", "rust", "value", "traits types", "курс"] {
            let mut hits: Vec<_> = search(&app, query).await.iter().map(name).collect();
            hits.sort();
            per_query.push((query, hits));
        }
        found.push(per_query);
    }
    assert_eq!(found[0], found[1]);
}
