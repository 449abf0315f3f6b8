//! "Your streak is at risk" reminders: at the learner's chosen evening hour in their own time
//! zone, if their streak is above 0 and today's goal is not reached yet (the read models,
//! recomputed as of now), one reminder that day: in-app, and by mail unless they opted out.
//!
//! The card reminders' pattern (`crate::srs::reminders`): every process rings a sweep job per
//! period; the sweep claims `streak_reminders (user, local date)` with `ON CONFLICT DO NOTHING`
//! in the transaction that adds the bell's entry and queues the mail, so two processes on one
//! PostgreSQL never send two. The mail is composed when sent: not to someone who opted out or
//! reached their goal meanwhile; its signed unsubscribe link is never stored.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use shared::domain::UserId;

use crate::db::{on_pool, Db};
use crate::error::Result;
use crate::identity::users::user_in;
use crate::jobs::{Handler, Job};
use crate::notify::daily::{
    self, Claim, ComposeFuture, DailyMail, DailyMailHandler, DailyPayload, SweepHandler,
};
use crate::notify::{self, Template, Transport};
use crate::srs::reminders::{
    forget_old_claims, local_hour_and_date, ClaimTable, ReminderList, UnsubscribeKey,
};

/// The job kind of a sweep (finding whose streak is at risk at their hour).
pub const SWEEP: &str = "streak_reminder_sweep";
/// The job kind of one learner's reminder mail.
pub const REMINDER: &str = "streak_reminder";

/// Claims and queues the reminder of everyone who, at `now`, is at their streak reminder hour,
/// wants these reminders, has a streak that breaks tonight and had none today. How many it
/// queued. Old claims go first.
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> Result<u32> {
    forget_old_claims(db, ClaimTable::Streak, now).await?;
    let zones: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT time_zone FROM users WHERE deleted_at IS NULL AND streak_reminders",
        )
        .fetch_all(pool)
        .await?
    });
    let mut queued = 0;
    for time_zone in zones {
        let (hour, date) = local_hour_and_date(now, &time_zone);
        let candidates: Vec<UserId> = on_pool!(db, pool => {
            sqlx::query_scalar(
                "SELECT u.id FROM users u \
                 WHERE u.deleted_at IS NULL AND u.streak_reminders AND u.time_zone = $1 \
                   AND u.streak_reminder_hour = $2 \
                   AND EXISTS (SELECT 1 FROM xp_days d WHERE d.user_id = u.id \
                               AND d.reached_ms IS NOT NULL) \
                   AND NOT EXISTS (SELECT 1 FROM streak_reminders r \
                                   WHERE r.user_id = u.id AND r.local_date = $3)",
            )
            .bind(&time_zone)
            .bind(i32::try_from(hour).unwrap_or(0))
            .bind(&date)
            .fetch_all(pool)
            .await?
        });
        let today = super::today_in(&time_zone, now);
        for user in candidates {
            let streak = super::streak_now(db, &user, today, now).await?;
            if !streak.at_risk {
                continue;
            }
            if claim(db, &user, &date, streak.current, now).await? {
                queued += 1;
            }
        }
    }
    if queued > 0 {
        tracing::info!(queued, "streak reminders queued");
    }
    Ok(queued)
}

/// In one transaction: takes `user`'s reminder of `date` (none if another process or an earlier
/// sweep did), adds the bell's entry and queues the mail. Whether this call took it.
async fn claim(
    db: &Db,
    user_id: &UserId,
    date: &str,
    streak: u32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let claim = Claim {
        insert: "INSERT INTO streak_reminders (user_id, local_date, streak, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, local_date) DO NOTHING",
        user: user_id,
        local_date: date,
        figure: i64::from(streak),
        now,
    };
    let bell = Template::StreakAtRisk {
        streak,
        learn_link: String::new(),
        unsubscribe_link: String::new(),
    };
    daily::claim(db, claim, &bell, REMINDER).await
}

/// The handlers of both kinds: the sweep, and the reminder mail sent through `transport`.
pub fn handlers(
    db: &Db,
    transport: Arc<dyn Transport>,
    key: UnsubscribeKey,
    public_base: &str,
) -> [Arc<dyn Handler>; 2] {
    [
        Arc::new(SweepHandler {
            db: db.clone(),
            kind: SWEEP,
            sweep: |db, now| Box::pin(sweep(db, now)),
        }),
        Arc::new(DailyMailHandler {
            mail: StreakMail {
                db: db.clone(),
                key,
                public_base: public_base.to_owned(),
            },
            transport,
        }),
    ]
}

/// The "your streak is at risk" mail.
#[derive(Debug)]
struct StreakMail {
    db: Db,
    key: UnsubscribeKey,
    public_base: String,
}

impl DailyMail for StreakMail {
    fn kind(&self) -> &'static str {
        REMINDER
    }

    /// Nothing to send when the job was withdrawn, the account is gone or unconfirmed, these
    /// reminders were turned off or the goal was reached meanwhile.
    fn compose<'a>(&'a self, job: &'a Job, payload: &'a DailyPayload) -> ComposeFuture<'a> {
        Box::pin(async move {
            let mut tx = self.db.begin().await?;
            if !job.hold(&mut tx).await? {
                return Ok(None);
            }
            let Some(user) = user_in(&mut tx, &payload.user_id).await? else {
                return Ok(None);
            };
            tx.commit().await?;
            if !user.streak_reminders || !user.email_verified {
                return Ok(None);
            }
            let now = Utc::now();
            let today = super::today_in(&user.time_zone, now);
            let streak = super::streak_now(&self.db, &user.id, today, now).await?;
            if !streak.at_risk {
                return Ok(None);
            }
            let base = &self.public_base;
            let (page, one_click) = self.key.links(&user.id, ReminderList::Streak, base);
            let template = Template::StreakAtRisk {
                streak: streak.current,
                learn_link: format!("{base}{}", notify::LEARN_PATH),
                unsubscribe_link: page,
            };
            Ok(Some(daily::mail_to(job, &user, &template, one_click)))
        })
    }
}
