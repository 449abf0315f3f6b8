//! `TestApp` helpers for courses: categories, published and draft courses with modules and
//! lessons, written straight into the database (as the authoring routes would leave them), and
//! enrolling and reviewing through the API.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::json;

use super::TestApp;

/// What `insert_course` makes; `Default` is a free, published English beginner course by the
/// demo teacher with two modules of two lessons each.
#[derive(Debug, Clone)]
pub struct CourseSpec {
    pub slug: String,
    pub teacher_email: String,
    pub status: &'static str,
    pub language: &'static str,
    pub level: &'static str,
    pub category: Option<String>,
    pub price_minor: i32,
    pub published_at: Option<DateTime<Utc>>,
    /// Lessons per module.
    pub modules: Vec<usize>,
}

impl Default for CourseSpec {
    fn default() -> Self {
        Self {
            slug: format!("course-{}", uuid::Uuid::now_v7().simple()),
            teacher_email: "teacher@demo.local".into(),
            status: "published",
            language: "en",
            level: "beginner",
            category: None,
            price_minor: 0,
            published_at: Some(Utc::now()),
            modules: vec![2, 2],
        }
    }
}

/// A course as inserted: ids of its modules and of its lessons in reading order.
#[derive(Debug, Clone)]
pub struct SeededCourse {
    pub id: String,
    pub slug: String,
    pub modules: Vec<String>,
    pub lessons: Vec<String>,
}

impl TestApp {
    /// A category; returns its id.
    pub async fn insert_category(&self, slug: &str) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        crate::on_db!(&self.db, pool => {
            sqlx::query(
                "INSERT INTO categories (id, slug, name_en, name_ru, created_at) \
                 VALUES ($1, $2, $3, $3, $4)",
            )
            .bind(&id)
            .bind(slug)
            .bind(format!("Category {slug}"))
            .bind(Utc::now())
            .execute(pool)
            .await
            .expect("insert category");
        });
        self.db.catalog_generation().advance();
        id
    }

    /// A course with its modules and lessons, counters filled in as authoring keeps them.
    pub async fn insert_course(&self, spec: CourseSpec) -> SeededCourse {
        let id = uuid::Uuid::now_v7().to_string();
        let now = Utc::now();
        let lesson_count: usize = spec.modules.iter().sum();
        let minutes = 7 * lesson_count as i32;
        let (price, currency) = if spec.price_minor > 0 {
            (spec.price_minor, Some("USD"))
        } else {
            (0, None)
        };
        let mut modules = Vec::new();
        let mut lessons = Vec::new();
        crate::on_db!(&self.db, pool => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query(
                "INSERT INTO courses (id, slug, teacher_id, category_id, title, subtitle, \
                     description, description_html, language, level, price_minor, currency, \
                     status, estimated_minutes, lesson_count, published_at, created_at, updated_at) \
                 SELECT $1, $2, u.id, (SELECT id FROM categories WHERE slug = $3), $4, 'A subtitle', \
                     'About it', '<p>About it</p>', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13 \
                 FROM users u WHERE u.email_key = $14",
            )
            .bind(&id)
            .bind(&spec.slug)
            .bind(&spec.category)
            .bind(format!("Course {}", spec.slug))
            .bind(spec.language)
            .bind(spec.level)
            .bind(price)
            .bind(currency)
            .bind(spec.status)
            .bind(minutes)
            .bind(lesson_count as i32)
            .bind(spec.published_at)
            .bind(now)
            .bind(&spec.teacher_email)
            .execute(&mut *tx)
            .await
            .expect("insert course");
            for (m, count) in spec.modules.iter().enumerate() {
                let module_id = uuid::Uuid::now_v7().to_string();
                sqlx::query(
                    "INSERT INTO course_modules (id, course_id, position, title, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&module_id)
                .bind(&id)
                .bind(m as i32)
                .bind(format!("Module {}", m + 1))
                .bind(now)
                .execute(&mut *tx)
                .await
                .expect("insert module");
                for l in 0..*count {
                    let lesson_id = uuid::Uuid::now_v7().to_string();
                    sqlx::query(
                        "INSERT INTO lessons (id, course_id, module_id, position, title, body, \
                             body_html, video_url, estimated_minutes, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, 'Text', $6, NULL, 7, $7, $7)",
                    )
                    .bind(&lesson_id)
                    .bind(&id)
                    .bind(&module_id)
                    .bind(l as i32)
                    .bind(format!("Lesson {}.{}", m + 1, l + 1))
                    .bind(format!("<p>Lesson {}.{}</p>", m + 1, l + 1))
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .expect("insert lesson");
                    lessons.push(lesson_id);
                }
                modules.push(module_id);
            }
            tx.commit().await.unwrap();
        });
        // Written behind the app's back: tell its catalog cache, as a committed write would.
        self.db.catalog_generation().advance();
        SeededCourse {
            id,
            slug: spec.slug,
            modules,
            lessons,
        }
    }

    /// A free published course by the demo teacher.
    pub async fn published_course(&self, slug: &str) -> SeededCourse {
        self.insert_course(CourseSpec {
            slug: slug.into(),
            ..CourseSpec::default()
        })
        .await
    }

    /// A draft course (never published) by the demo teacher.
    pub async fn draft_course(&self, slug: &str) -> SeededCourse {
        self.insert_course(CourseSpec {
            slug: slug.into(),
            status: "draft",
            published_at: None,
            ..CourseSpec::default()
        })
        .await
    }

    /// Changes a course's status behind the app's back (as authoring would).
    pub async fn set_course_status(&self, course: &str, status: &str) {
        crate::on_db!(&self.db, pool => {
            sqlx::query("UPDATE courses SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(course)
                .execute(pool)
                .await
                .expect("set status");
        });
        self.db.catalog_generation().advance();
    }

    /// Enrolls the bearer of `token` (expecting 200 or 201).
    pub async fn enroll(&self, token: &str, course: &str) {
        let res = self
            .bearer(
                Method::POST,
                &format!("/api/courses/{course}/enrollment"),
                token,
            )
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 200 | 201),
            "enroll: {}",
            res.status()
        );
    }

    /// Writes the bearer's review; the raw response.
    pub async fn put_review(
        &self,
        token: &str,
        course: &str,
        stars: u8,
        body: &str,
    ) -> reqwest::Response {
        self.bearer(
            Method::PUT,
            &format!("/api/courses/{course}/reviews/mine"),
            token,
        )
        .json(&json!({"stars": stars, "body": body}))
        .send()
        .await
        .unwrap()
    }

    /// A signed-in student made in the database; their token.
    pub async fn student_token(&self, email: &str) -> String {
        self.insert_user(email, super::Role::Student).await;
        self.token_for(email, super::DEMO_PASSWORD).await
    }
}

/// `at` minus `minutes`: published dates in a known order.
pub fn minutes_ago(minutes: i64) -> DateTime<Utc> {
    Utc::now() - Duration::minutes(minutes)
}
