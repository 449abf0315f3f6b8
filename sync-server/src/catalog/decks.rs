//! Course flashcard decks: the cards a course's teacher writes for its learners. Owns who may read
//! a deck (enrolled learners, the course's teacher, admins) and its rules (at most
//! `MAX_DECK_CARDS`, each side 1 to `CARD_TEXT_MAX_CHARS` characters) and SQL; never decides who
//! may write (the handler checks the course's owner first).

use chrono::Utc;
use shared::api::decks::{CourseDeck, DeckCard, DeckInput, MAX_DECK_CARDS};
use shared::doc::CARD_TEXT_MAX_CHARS;
use shared::domain::CourseId;
use shared::validate::Invalid;

use super::course_page::{visible_course, Viewer};
use crate::db::{on_pool, on_tx, Db};
use crate::error::{Error, Result};

/// The deck of `course` as stored, in order.
async fn stored_deck(db: &Db, course: &CourseId) -> Result<CourseDeck> {
    let rows: Vec<(String, String, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, front, back FROM course_deck_cards WHERE course_id = $1 \
             ORDER BY position, id",
        )
        .bind(course)
        .fetch_all(pool)
        .await?
    });
    Ok(CourseDeck {
        cards: rows
            .into_iter()
            .map(|(id, front, back)| DeckCard { id, front, back })
            .collect(),
    })
}

/// The deck of the course `reference` names, for `viewer`: enrolled learners, its teacher and
/// admins; 403 for anyone else who may see the course, 404 for a course they may not see.
pub async fn deck_for(db: &Db, reference: &str, viewer: Viewer<'_>) -> Result<CourseDeck> {
    let (course, enrolled) = visible_course(db, reference, viewer).await?;
    if !enrolled && !course.is_managed_by(viewer) {
        return Err(Error::Forbidden(
            "enroll in this course to review its deck".into(),
        ));
    }
    stored_deck(db, &course.id).await
}

/// Checks one side of a card: not empty, at most `CARD_TEXT_MAX_CHARS` characters.
fn check_side(text: &str, field: &'static str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Validation {
            field,
            reason: Invalid::Required,
        });
    }
    if text.chars().count() > CARD_TEXT_MAX_CHARS {
        return Err(Error::Validation {
            field,
            reason: Invalid::TooLong {
                max: CARD_TEXT_MAX_CHARS,
            },
        });
    }
    Ok(text.to_owned())
}

/// Replaces the deck of `course` (whose owner the caller was checked to be) with `input`, in its
/// order. A card keeps its id when `input` names one already in this course's deck (learners'
/// copies then stay one card); any other id is given a new one. Answers the deck as stored.
pub async fn replace_deck(db: &Db, course: &CourseId, input: DeckInput) -> Result<CourseDeck> {
    if input.cards.len() > MAX_DECK_CARDS {
        return Err(Error::Validation {
            field: "cards",
            reason: Invalid::OutOfRange {
                min: 0,
                max: MAX_DECK_CARDS as u32,
            },
        });
    }
    let mut cards = Vec::with_capacity(input.cards.len());
    for card in &input.cards {
        cards.push((
            card.id.clone(),
            check_side(&card.front, "front")?,
            check_side(&card.back, "back")?,
        ));
    }
    let existing: std::collections::HashSet<String> = stored_deck(db, course)
        .await?
        .cards
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut kept = std::collections::HashSet::new();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM course_deck_cards WHERE course_id = $1")
            .bind(course)
            .execute(&mut *conn)
            .await?;
        for (position, (id, front, back)) in cards.iter().enumerate() {
            // An id from this deck is kept once; a repeated, foreign or made-up one is replaced.
            let id = match id {
                Some(id) if existing.contains(id) && kept.insert(id.clone()) => id.clone(),
                _ => uuid::Uuid::now_v7().to_string(),
            };
            sqlx::query(
                "INSERT INTO course_deck_cards (id, course_id, position, front, back, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(course)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .bind(front)
            .bind(back)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    tx.commit().await?;
    stored_deck(db, course).await
}
