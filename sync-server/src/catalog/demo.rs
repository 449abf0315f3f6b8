//! Demo courses for a fresh installation (`EDU_DEMO_DATA=true`), in English and Russian.
//!
//! Owns only this sample content and the rule for loading it: into an empty catalog, idempotently.
//! Never touches a catalog that already has courses.

use chrono::Utc;
use shared::api::courses::{CourseLanguage, CourseLevel};

use crate::db::{on_pool, Db};
use crate::error::Result;

struct DemoCourse {
    slug: &'static str,
    title: &'static str,
    subtitle: &'static str,
    description: &'static str,
    language: CourseLanguage,
    level: CourseLevel,
    estimated_minutes: i32,
    lesson_count: i32,
}

const COURSES: &[DemoCourse] = &[
    DemoCourse {
        slug: "rust-from-zero",
        title: "Rust from zero",
        subtitle: "Ownership, borrowing and fearless refactoring, one small program at a time",
        description: "Start with cargo new and finish with a command-line tool you would ship. \
            You will learn how ownership and borrowing replace a garbage collector, how enums and \
            pattern matching model real states, how Result makes errors part of the signature, and \
            how traits and generics keep code small. Each lesson ends with an exercise the compiler \
            checks for you.",
        language: CourseLanguage::En,
        level: CourseLevel::Beginner,
        estimated_minutes: 540,
        lesson_count: 18,
    },
    DemoCourse {
        slug: "how-memory-works",
        title: "How memory works: spaced repetition",
        subtitle: "Why we forget, and how to review just before we do",
        description: "The forgetting curve, the testing effect and interleaving, explained with the \
            experiments behind them. Then the practice: writing good flashcards, how schedulers such \
            as SM-2 and FSRS pick the next review, and how to build a daily habit that takes fifteen \
            minutes instead of an evening.",
        language: CourseLanguage::En,
        level: CourseLevel::Beginner,
        estimated_minutes: 150,
        lesson_count: 8,
    },
    DemoCourse {
        slug: "linear-algebra-for-programmers",
        title: "Linear algebra for programmers",
        subtitle: "Vectors, matrices and transformations you can run",
        description: "Linear algebra through code rather than proofs: vectors as arrays, matrices as \
            functions that move space, dot products as similarity, determinants as area. We build a \
            tiny 2D renderer, fit a line with least squares and finish with the idea behind \
            embeddings and principal component analysis.",
        language: CourseLanguage::En,
        level: CourseLevel::Intermediate,
        estimated_minutes: 720,
        lesson_count: 16,
    },
    DemoCourse {
        slug: "distributed-systems-in-practice",
        title: "Distributed systems in practice",
        subtitle: "Clocks, replication and consensus without the hand-waving",
        description: "What goes wrong when a program runs on more than one machine, and the tools \
            that make it right anyway: logical clocks, leader election, quorums, Raft, and CRDTs \
            that merge offline edits. Every topic comes with a failure you can reproduce on your \
            laptop.",
        language: CourseLanguage::En,
        level: CourseLevel::Advanced,
        estimated_minutes: 900,
        lesson_count: 14,
    },
    DemoCourse {
        slug: "osnovy-matematicheskogo-analiza",
        title: "Основы математического анализа",
        subtitle: "Пределы, производные и интегралы — с интуицией, а не только с формулами",
        description: "Курс для тех, кто хочет понять анализ, а не заучить его. Начинаем с \
            последовательностей и пределов, переходим к непрерывности и производной как скорости \
            изменения, а заканчиваем интегралом как площадью и формулой Ньютона — Лейбница. \
            В каждом уроке есть задачи с разбором решений.",
        language: CourseLanguage::Ru,
        level: CourseLevel::Intermediate,
        estimated_minutes: 960,
        lesson_count: 20,
    },
    DemoCourse {
        slug: "angliyskiy-dlya-razrabotchikov",
        title: "Английский для разработчиков",
        subtitle: "Читать документацию, писать код-ревью и говорить на созвонах без страха",
        description: "Английский, который нужен в работе программиста: лексика документации и \
            issue-трекеров, вежливые формулировки для код-ревью, письма и сообщения в чатах, \
            рассказ о своём проекте на собеседовании. Карточки для интервального повторения \
            собраны из реальных репозиториев.",
        language: CourseLanguage::Ru,
        level: CourseLevel::Beginner,
        estimated_minutes: 600,
        lesson_count: 24,
    },
    DemoCourse {
        slug: "sql-za-nedelyu",
        title: "SQL за неделю",
        subtitle: "От SELECT до оконных функций за семь вечеров",
        description: "Семь уроков по одному на вечер: выборка и фильтрация, соединения таблиц, \
            группировка и агрегаты, подзапросы, индексы и план запроса, транзакции и, наконец, \
            оконные функции. Все примеры работают и в SQLite, и в PostgreSQL.",
        language: CourseLanguage::Ru,
        level: CourseLevel::Beginner,
        estimated_minutes: 420,
        lesson_count: 7,
    },
    DemoCourse {
        slug: "algoritmy-i-struktury-dannyh",
        title: "Алгоритмы и структуры данных",
        subtitle: "Как оценивать сложность и выбирать подходящую структуру",
        description: "Асимптотика на понятных примерах, массивы и списки, хеш-таблицы, деревья \
            поиска, кучи и графы. Для каждой структуры — когда она нужна, сколько стоят операции \
            и как её реализовать самому. В конце — разбор типичных задач с собеседований.",
        language: CourseLanguage::Ru,
        level: CourseLevel::Intermediate,
        estimated_minutes: 780,
        lesson_count: 15,
    },
];

/// Loads the demo courses if the catalog is empty; returns how many were inserted.
///
/// Safe to run on every start and from several replicas at once: a non-empty catalog is left alone,
/// and a slug that already exists is skipped.
pub async fn load_if_empty(db: &Db) -> Result<usize> {
    if super::count_courses(db).await? > 0 {
        return Ok(0);
    }
    let teacher: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
            .bind(crate::identity::demo::TEACHER_EMAIL)
            .fetch_optional(pool)
            .await?
    });
    let teacher = teacher.ok_or_else(|| {
        crate::error::Error::Internal("the demo teacher account does not exist".into())
    })?;
    let sql = "INSERT INTO courses (id, slug, teacher_id, title, subtitle, description, language, \
                   level, estimated_minutes, lesson_count, status, published_at, created_at, \
                   updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'published', $11, $11, $11) \
               ON CONFLICT (slug) DO NOTHING";
    let now = Utc::now();
    let mut inserted = 0;
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for course in COURSES {
            let done = sqlx::query(sql)
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(course.slug)
                .bind(&teacher)
                .bind(course.title)
                .bind(course.subtitle)
                .bind(course.description)
                .bind(course.language.code())
                .bind(course.level.code())
                .bind(course.estimated_minutes)
                .bind(course.lesson_count)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            inserted += done.rows_affected() as usize;
        }
        tx.commit().await?;
    });
    Ok(inserted)
}
