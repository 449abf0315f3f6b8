//! Daily AI budgets, per user and for the whole server, in requests and tokens, kept in
//! `ai_budgets` so every server process shares them. A call first reserves one request and its
//! estimated tokens with an atomic `UPDATE ... WHERE used + n <= limit` (safe under any
//! concurrency, on both backends), then settles to what the provider really counted, or releases
//! the reservation if the call failed. Days are UTC; a budget resets at 00:00 UTC.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use shared::domain::UserId;

use crate::config::Budgets;
use crate::db::{on_tx, Db, Tx};

/// Whose budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    Global,
}

/// A budget that cannot take the call, and when it resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the daily AI budget {} is used up; it resets at {}", match scope {
    Scope::User => "of this account",
    Scope::Global => "of this server",
}, resets_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))]
pub struct Exhausted {
    pub scope: Scope,
    pub resets_at: DateTime<Utc>,
}

impl Exhausted {
    /// Whole seconds until the reset, at least 1.
    pub fn retry_after(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((self.resets_at - now).num_seconds())
            .unwrap_or(0)
            .max(1)
    }
}

/// Why a reservation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    #[error(transparent)]
    Exhausted(#[from] Exhausted),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Tokens and a request held for one call; settle or release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    scopes: Vec<String>,
    day: String,
    tokens: i64,
}

/// The UTC day of `now` as stored, and the start of the next one.
pub fn day_of(now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let day = now.date_naive();
    let next = (day + Duration::days(1)).and_time(NaiveTime::MIN).and_utc();
    (day.format("%Y-%m-%d").to_string(), next)
}

fn user_scope(user: &UserId) -> String {
    format!("user:{user}")
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Takes one request and `tokens` from `user`'s budget (if any) and the global one, both or
/// neither.
pub async fn reserve(
    db: &Db,
    limits: &Budgets,
    user: Option<&UserId>,
    tokens: u64,
    now: DateTime<Utc>,
) -> Result<Reservation, ReserveError> {
    let (day, resets_at) = day_of(now);
    let tokens = signed(tokens);
    let mut scopes = Vec::new();
    if let Some(user) = user {
        scopes.push((
            user_scope(user),
            Scope::User,
            limits.user_requests,
            limits.user_tokens,
        ));
    }
    scopes.push((
        "global".to_owned(),
        Scope::Global,
        limits.global_requests,
        limits.global_tokens,
    ));
    let mut tx = db.begin().await?;
    // Always user before global: two transactions never wait on each other's rows in a cycle.
    for (scope, kind, max_requests, max_tokens) in &scopes {
        let taken = take(&mut tx, scope, &day, tokens, *max_requests, *max_tokens).await?;
        if !taken {
            // The transaction rolls back when dropped: nothing was taken.
            return Err(Exhausted {
                scope: *kind,
                resets_at,
            }
            .into());
        }
    }
    tx.commit().await?;
    Ok(Reservation {
        scopes: scopes.into_iter().map(|(scope, ..)| scope).collect(),
        day,
        tokens,
    })
}

async fn take(
    tx: &mut Tx,
    scope: &str,
    day: &str,
    tokens: i64,
    max_requests: u64,
    max_tokens: u64,
) -> Result<bool, sqlx::Error> {
    let taken = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO ai_budgets (scope, day, requests, tokens) VALUES ($1, $2, 0, 0) \
             ON CONFLICT (scope, day) DO NOTHING",
        )
        .bind(scope)
        .bind(day)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE ai_budgets SET requests = requests + 1, tokens = tokens + $3 \
             WHERE scope = $1 AND day = $2 AND requests + 1 <= $4 AND tokens + $3 <= $5",
        )
        .bind(scope)
        .bind(day)
        .bind(tokens)
        .bind(signed(max_requests))
        .bind(signed(max_tokens))
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(taken > 0)
}

/// Adjusts `reservation` to `used` tokens (more or fewer than reserved): what the provider counted
/// is what is charged.
pub async fn settle(db: &Db, reservation: &Reservation, used: u64) -> Result<(), sqlx::Error> {
    adjust(db, reservation, 0, signed(used) - reservation.tokens).await
}

/// Gives a failed call's reservation back, request and tokens.
pub async fn release(db: &Db, reservation: &Reservation) -> Result<(), sqlx::Error> {
    adjust(db, reservation, -1, -reservation.tokens).await
}

async fn adjust(
    db: &Db,
    reservation: &Reservation,
    requests: i64,
    tokens: i64,
) -> Result<(), sqlx::Error> {
    if requests == 0 && tokens == 0 {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for scope in &reservation.scopes {
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE ai_budgets SET \
                     requests = CASE WHEN requests + $3 < 0 THEN 0 ELSE requests + $3 END, \
                     tokens = CASE WHEN tokens + $4 < 0 THEN 0 ELSE tokens + $4 END \
                 WHERE scope = $1 AND day = $2",
            )
            .bind(scope)
            .bind(&reservation.day)
            .bind(requests)
            .bind(tokens)
            .execute(conn)
            .await?;
        });
    }
    tx.commit().await
}

/// Whether `user` (and the server) could make one more call today, without taking anything: the
/// quick answer a request gets before its work is queued.
pub async fn check(
    db: &Db,
    limits: &Budgets,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<Result<(), Exhausted>, sqlx::Error> {
    let (day, resets_at) = day_of(now);
    for (scope, kind, max_requests, max_tokens) in [
        (
            user_scope(user),
            Scope::User,
            limits.user_requests,
            limits.user_tokens,
        ),
        (
            "global".to_owned(),
            Scope::Global,
            limits.global_requests,
            limits.global_tokens,
        ),
    ] {
        let used: Option<(i64, i64)> = crate::db::on_pool!(db, pool => {
            sqlx::query_as("SELECT requests, tokens FROM ai_budgets WHERE scope = $1 AND day = $2")
                .bind(&scope)
                .bind(&day)
                .fetch_optional(pool)
                .await?
        });
        let (requests, tokens) = used.unwrap_or((0, 0));
        if requests >= signed(max_requests) || tokens >= signed(max_tokens) {
            return Ok(Err(Exhausted {
                scope: kind,
                resets_at,
            }));
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_reset_at_utc_midnight() {
        let now = "2026-11-30T23:59:30Z".parse::<DateTime<Utc>>().unwrap();
        let (day, next) = day_of(now);
        assert_eq!(day, "2026-11-30");
        assert_eq!(next.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        let exhausted = Exhausted {
            scope: Scope::User,
            resets_at: next,
        };
        assert_eq!(exhausted.retry_after(now), 30);
        assert_eq!(
            exhausted.to_string(),
            "the daily AI budget of this account is used up; it resets at 2026-12-01T00:00:00Z"
        );
    }
}
