//! The read models of learners' cards: `srs_cards` (each card's due time, phase and whether it is
//! suspended or deleted) and `srs_reviews` (the synced review log), derived from a learner
//! document's events after each change, for reminders and the personal-parameters fit.
//!
//! Never trusts a device's own schedule: the schedule is recomputed from the merged events.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use shared::doc::{Event, EventKind, LearnerDoc};
use shared::domain::{DocId, UserId};
use shared::srs::{Params, Phase};

use crate::db::{on_tx, Tx};
use crate::error::Result;

/// Whether an event changes what a document's cards are or when they are due.
fn touches_cards(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::CardCreated(_)
            | EventKind::CardEdited { .. }
            | EventKind::CardSuspended { .. }
            | EventKind::CardResumed { .. }
            | EventKind::CardDeleted { .. }
            | EventKind::CardReviewed { .. }
            | EventKind::CardReviewUndone { .. }
            | EventKind::SrsParameters(_)
            | EventKind::SrsRetention { .. }
    )
}

/// The card an event names, if it names one.
fn card_of(event: &Event) -> Option<&str> {
    match &event.kind {
        EventKind::CardCreated(new) => Some(&new.card_id),
        EventKind::CardEdited { card_id, .. }
        | EventKind::CardSuspended { card_id }
        | EventKind::CardResumed { card_id }
        | EventKind::CardDeleted { card_id }
        | EventKind::CardReviewed { card_id, .. } => Some(card_id),
        _ => None,
    }
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Learning => "learning",
        Phase::Review => "review",
        Phase::Relearning => "relearning",
    }
}

/// Records what `new_events`, just added to `user`'s document `doc_id` (now `doc`), change in
/// `srs_cards` and `srs_reviews`, in the transaction that stores them, and queues the learner's
/// parameter fit when they have reviewed enough. Every card an event names is recomputed from the
/// whole document with `shared::doc::cards` (a change of parameters or an undone review: every
/// card of the document); re-recording the same events changes nothing. A review dated more than
/// 24 h after the server's clock changes no schedule and is logged.
pub async fn record(
    tx: &mut Tx,
    user: &UserId,
    doc_id: &DocId,
    doc: &LearnerDoc,
    new_events: &[Event],
    now: DateTime<Utc>,
) -> Result<()> {
    if !new_events.iter().any(touches_cards) {
        return Ok(());
    }
    let now_ms = now.timestamp_millis();
    for event in shared::doc::cards::future_reviews(new_events, now_ms) {
        tracing::warn!(
            user_id = %user,
            doc_id = %doc_id,
            event_id = %event.id,
            at = %event.at,
            "a card review dated more than 24 h ahead of the server's clock; it changes no schedule"
        );
    }
    let events = doc.events();
    let params = match doc_id.course() {
        None => shared::doc::cards::params(&events),
        Some(_) => {
            let profile = DocId::profile(user);
            match crate::sync::stored_events(tx, &profile).await? {
                Some(profile_events) => shared::doc::cards::params(&profile_events),
                None => Params::default(),
            }
        }
    };
    let scheduler = shared::doc::cards::scheduler(&params);
    let cards = shared::doc::cards::cards(&events, &scheduler, now_ms);
    let everything = new_events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::SrsParameters(_)
                | EventKind::SrsRetention { .. }
                | EventKind::CardReviewUndone { .. }
        )
    });
    let named: HashSet<&str> = new_events.iter().filter_map(card_of).collect();
    let course = doc_id.course();
    let mut reviews_added = 0u64;
    for card in cards
        .iter()
        .filter(|c| everything || named.contains(c.id.as_str()))
    {
        write_card(tx, user, doc_id, card, now).await?;
        for review in &card.reviews {
            reviews_added += on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO srs_reviews (user_id, event_id, doc_id, card_id, reviewed_at_ms, \
                                              rating) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (user_id, event_id) DO NOTHING",
                )
                .bind(user)
                .bind(&review.event_id)
                .bind(doc_id.as_str())
                .bind(&card.id)
                .bind(review.at_ms)
                .bind(i32::from(review.rating.number()))
                .execute(&mut *conn)
                .await?
                .rows_affected()
            });
        }
    }
    // New parameters or retention in the profile schedule the cards of every course document
    // too (mistake cards live there): their due times change now, not at their next change.
    let rescheduled = course.is_none()
        && new_events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::SrsParameters(_) | EventKind::SrsRetention { .. }
            )
        });
    if rescheduled {
        reschedule_course_docs(tx, user, &scheduler, now).await?;
    }
    // Deleted cards stay in the read model, marked; undone reviews leave the log.
    for event in new_events {
        match &event.kind {
            EventKind::CardDeleted { card_id } if !cards.iter().any(|c| &c.id == card_id) => {
                on_tx!(tx, conn => {
                    sqlx::query(
                        "UPDATE srs_cards SET deleted = TRUE, updated_at = $4 \
                         WHERE user_id = $1 AND doc_id = $2 AND card_id = $3",
                    )
                    .bind(user)
                    .bind(doc_id.as_str())
                    .bind(card_id)
                    .bind(now)
                    .execute(conn)
                    .await?;
                });
            }
            EventKind::CardReviewUndone { review_id } => {
                on_tx!(tx, conn => {
                    sqlx::query("DELETE FROM srs_reviews WHERE user_id = $1 AND event_id = $2")
                        .bind(user)
                        .bind(review_id)
                        .execute(conn)
                        .await?;
                });
            }
            _ => {}
        }
    }
    if reviews_added > 0 {
        super::fit::queue_if_due(tx, user, now_ms).await?;
    }
    Ok(())
}

/// Writes `card`'s due time, phase and suspension into `srs_cards` (a row per user, document
/// and card).
async fn write_card(
    tx: &mut Tx,
    user: &UserId,
    doc_id: &DocId,
    card: &shared::doc::cards::Card,
    now: DateTime<Utc>,
) -> Result<()> {
    let course = doc_id.course();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO srs_cards (user_id, doc_id, card_id, course_id, due_ms, phase, \
                                    suspended, deleted, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8) \
             ON CONFLICT (user_id, doc_id, card_id) DO UPDATE SET due_ms = excluded.due_ms, \
                 phase = excluded.phase, suspended = excluded.suspended, deleted = FALSE, \
                 updated_at = excluded.updated_at",
        )
        .bind(user)
        .bind(doc_id.as_str())
        .bind(&card.id)
        .bind(course.as_ref())
        .bind(card.schedule.due_ms)
        .bind(phase_name(card.schedule.phase))
        .bind(card.suspended)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Recomputes with `scheduler` (the profile's new parameters) the cards of each of `user`'s
/// course documents that has any.
async fn reschedule_course_docs(
    tx: &mut Tx,
    user: &UserId,
    scheduler: &shared::srs::Scheduler,
    now: DateTime<Utc>,
) -> Result<()> {
    let docs: Vec<String> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT DISTINCT doc_id FROM srs_cards WHERE user_id = $1 AND course_id IS NOT NULL \
             ORDER BY doc_id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?
    });
    let now_ms = now.timestamp_millis();
    for doc_id in docs.iter().filter_map(|d| DocId::parse(d).ok()) {
        let Some(events) = crate::sync::stored_events(tx, &doc_id).await? else {
            continue;
        };
        for card in shared::doc::cards::cards(&events, scheduler, now_ms) {
            write_card(tx, user, &doc_id, &card, now).await?;
        }
    }
    Ok(())
}

/// How many of `user`'s cards are due at `now_ms` (neither suspended nor deleted).
pub async fn due_count(tx: &mut Tx, user: &UserId, now_ms: i64) -> Result<u32> {
    let count: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM srs_cards WHERE user_id = $1 AND due_ms <= $2 \
             AND NOT suspended AND NOT deleted",
        )
        .bind(user)
        .bind(now_ms)
        .fetch_one(conn)
        .await?
    });
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Deletes a deleted user's cards, review log and reminders (account deletion calls it).
pub async fn forget_user(tx: &mut Tx, user: &UserId) -> Result<()> {
    for sql in [
        "DELETE FROM srs_cards WHERE user_id = $1",
        "DELETE FROM srs_reviews WHERE user_id = $1",
        "DELETE FROM card_reminders WHERE user_id = $1",
    ] {
        on_tx!(tx, conn => {
            sqlx::query(sql).bind(user).execute(conn).await?;
        });
    }
    Ok(())
}
