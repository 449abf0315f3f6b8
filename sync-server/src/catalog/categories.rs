//! Catalog categories: the list everyone sees (with how many published courses each holds) and the
//! admins' writes to it.
//!
//! Owns the `categories` table's SQL and its rules: slugs are unique, and a category any course
//! uses (in any status) is never deleted. Never checks who the caller is: handlers guard admins.

use chrono::Utc;
use shared::api::courses::{Category, CategoryInput};
use shared::domain::CategoryId;
use shared::validate;

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// The columns that make a `Category`, `course_count` counting published courses only.
const SELECT: &str = "SELECT g.id, g.slug, g.name_en, g.name_ru, \
     (SELECT COUNT(*) FROM courses c WHERE c.category_id = g.id AND c.status = 'published') \
     AS course_count FROM categories g";

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: CategoryId,
    slug: String,
    name_en: String,
    name_ru: String,
    course_count: i64,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name_en: row.name_en,
            name_ru: row.name_ru,
            course_count: u32::try_from(row.course_count).unwrap_or(u32::MAX),
        }
    }
}

/// A category input whose every field passed its check.
struct CheckedInput {
    slug: String,
    name_en: String,
    name_ru: String,
}

fn check(input: &CategoryInput) -> Result<CheckedInput> {
    let invalid = |field| move |reason| Error::Validation { field, reason };
    Ok(CheckedInput {
        slug: validate::category_slug(&input.slug).map_err(invalid("slug"))?,
        name_en: validate::category_name(&input.name_en).map_err(invalid("name_en"))?,
        name_ru: validate::category_name(&input.name_ru).map_err(invalid("name_ru"))?,
    })
}

fn slug_taken(slug: &str) -> Error {
    Error::Conflict(format!("a category with the slug {slug:?} already exists"))
}

/// Every category, ordered by slug.
pub async fn list_categories(db: &Db) -> Result<Vec<Category>> {
    let sql = format!("{SELECT} ORDER BY g.slug");
    let rows: Vec<CategoryRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(Category::from).collect())
}

/// The category with this slug, if any.
pub async fn category_by_slug(db: &Db, slug: &str) -> Result<Option<Category>> {
    let sql = format!("{SELECT} WHERE g.slug = $1");
    let row: Option<CategoryRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await?
    });
    Ok(row.map(Category::from))
}

async fn category_in(tx: &mut Tx, id: &CategoryId) -> Result<Option<Category>> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    let row: Option<CategoryRow> = on_tx!(tx, conn => {
        sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?
    });
    Ok(row.map(Category::from))
}

/// Whether a category with this id exists (seen inside `tx`).
pub(crate) async fn category_exists(tx: &mut Tx, id: &CategoryId) -> Result<bool> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM categories WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    Ok(found.is_some())
}

/// Creates a category. A slug already taken is 409 `conflict`.
pub async fn create_category(tx: &mut Tx, input: &CategoryInput) -> Result<Category> {
    let input = check(input)?;
    let id = CategoryId::new();
    // ON CONFLICT: two admins creating the same slug at once get one row and one 409, never a
    // database error.
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO categories (id, slug, name_en, name_ru, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(&id)
        .bind(&input.slug)
        .bind(&input.name_en)
        .bind(&input.name_ru)
        .bind(Utc::now())
        .execute(conn)
        .await?
        .rows_affected()
    });
    if inserted == 0 {
        return Err(slug_taken(&input.slug));
    }
    tx.changed_catalog();
    Ok(Category {
        id,
        slug: input.slug,
        name_en: input.name_en,
        name_ru: input.name_ru,
        course_count: 0,
    })
}

/// Renames a category (slug and both names). Unknown id: 404; a slug another category has: 409.
pub async fn update_category(
    tx: &mut Tx,
    id: &CategoryId,
    input: &CategoryInput,
) -> Result<Category> {
    let input = check(input)?;
    let other: Option<CategoryId> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1 AND id <> $2")
            .bind(&input.slug)
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    if other.is_some() {
        return Err(slug_taken(&input.slug));
    }
    let updated = on_tx!(tx, conn => {
        sqlx::query("UPDATE categories SET slug = $2, name_en = $3, name_ru = $4 WHERE id = $1")
            .bind(id)
            .bind(&input.slug)
            .bind(&input.name_en)
            .bind(&input.name_ru)
            .execute(conn)
            .await?
            .rows_affected()
    });
    if updated == 0 {
        return Err(no_such_category());
    }
    tx.changed_catalog();
    category_in(tx, id).await?.ok_or_else(no_such_category)
}

/// Deletes a category no course uses (a course in any status, drafts included: 409 otherwise).
pub async fn delete_category(tx: &mut Tx, id: &CategoryId) -> Result<()> {
    if !category_exists(tx, id).await? {
        return Err(no_such_category());
    }
    let used: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM courses WHERE category_id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?
    });
    if used > 0 {
        return Err(Error::Conflict(format!(
            "{used} course(s) use this category; move them to another category first"
        )));
    }
    // A course given this category since the count (PostgreSQL, another transaction) makes the
    // foreign key refuse the delete: the same 409, not a database error.
    let deleted = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM categories WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(drop)
    });
    match deleted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            return Err(Error::Conflict(
                "a course uses this category; move it to another category first".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    tx.changed_catalog();
    Ok(())
}

pub(crate) fn no_such_category() -> Error {
    Error::NotFound("no such category".into())
}
