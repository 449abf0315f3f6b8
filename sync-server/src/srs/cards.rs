//! The read models of learners' cards: `srs_cards` (each card's due time, phase and whether it is
//! suspended or deleted) and `srs_reviews` (the synced review log), derived from a learner
//! document's events after each change, for reminders and the personal-parameters fit.
//!
//! Never trusts a device's own schedule: the schedule is recomputed from the merged events.

use shared::domain::UserId;

use crate::db::{on_tx, Tx};
use crate::error::Result;

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
