//! "Cards are due" reminders: at most one a day per learner, in their own time zone at the hour
//! they chose, by mail (with a one-click unsubscribe link, RFC 8058) and in-app.
//!
//! Every process rings the queue each `EDU_REMINDER_SWEEP_SECS` (`keep_sweeping`); the sweep job,
//! unique per period, finds who is at their hour with cards due (from `srs_cards`) and, for each,
//! claims the row `card_reminders (user, local date)` in the transaction that queues their mail
//! job and adds the bell's entry: the primary key makes a second reminder that day impossible,
//! from any number of processes. The mail is composed when it is sent, so it goes to nobody who
//! opted out or cleared their cards meanwhile, and its signed link is never stored.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Timelike as _, Utc};
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;
use shared::domain::UserId;
use tokio::sync::watch;

use super::cards;
use crate::db::{on_pool, Db};
use crate::error::{Error, Result};
use crate::identity::users::user_in;
use crate::jobs::{self, Handler, Job};
use crate::notify::daily::{
    self, Claim, ComposeFuture, DailyMail, DailyMailHandler, DailyPayload, SweepHandler,
};
use crate::notify::{self, Template, Transport};

/// The job kind of a sweep (finding who is due a reminder now).
pub const SWEEP: &str = "card_reminder_sweep";
/// The job kind of one learner's reminder mail.
pub const REMINDER: &str = "card_reminder";

/// The name of the key that signs unsubscribe links in `server_keys`.
const UNSUBSCRIBE_KEY: &str = "unsubscribe";
/// What an unsubscribe token signs besides the user id, so a signature made for any other purpose
/// with the same key can never pass as one.
const UNSUBSCRIBE_PURPOSE: &str = "eduplatform unsubscribe card_reminders ";
/// The same for the "streak at risk" reminders' tokens.
const STREAK_UNSUBSCRIBE_PURPOSE: &str = "eduplatform unsubscribe streak_reminders ";
/// The same for the daily digest of discussion replies.
const DIGEST_UNSUBSCRIBE_PURPOSE: &str = "eduplatform unsubscribe discussion_digest ";

/// The reminders a token turns off. A "cards are due" token is `{user_id}.{signature}`; every
/// other list names itself: `{user_id}.{list}.{signature}`, so one unsubscribe route serves all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderList {
    /// "Cards are due" (`users.card_reminders`).
    Cards,
    /// "Your streak is at risk" (`users.streak_reminders`).
    Streak,
    /// The daily digest of discussion replies (`users.discussion_digest`).
    Digest,
}

impl ReminderList {
    fn purpose(self) -> &'static str {
        match self {
            Self::Cards => UNSUBSCRIBE_PURPOSE,
            Self::Streak => STREAK_UNSUBSCRIBE_PURPOSE,
            Self::Digest => DIGEST_UNSUBSCRIBE_PURPOSE,
        }
    }

    /// Its name inside a token (none for cards, the first list).
    fn tag(self) -> Option<&'static str> {
        match self {
            Self::Cards => None,
            Self::Streak => Some("streak"),
            Self::Digest => Some("digest"),
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks unsubscribe tokens (`{user_id}.{signature}`) with a random key the server
/// made once and keeps in `server_keys`, shared by every process on the database. A token names
/// one user and can only turn their reminders off.
#[derive(Clone)]
pub struct UnsubscribeKey {
    key: Arc<[u8]>,
}

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(***)")
    }
}

impl UnsubscribeKey {
    /// The database's key, made (32 random bytes) by the first process that asks.
    pub async fn load(db: &Db) -> Result<Self> {
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let key: Vec<u8> = on_pool!(db, pool => {
            sqlx::query(
                "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(UNSUBSCRIBE_KEY)
            .bind(fresh.as_slice())
            .bind(Utc::now())
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT secret FROM server_keys WHERE name = $1")
                .bind(UNSUBSCRIBE_KEY)
                .fetch_one(pool)
                .await?
        });
        if key.len() < 32 {
            return Err(Error::Internal("the unsubscribe key is too short".into()));
        }
        Ok(Self { key: key.into() })
    }

    fn mac(&self, user: &str, list: ReminderList) -> HmacSha256 {
        // HMAC takes a key of any length.
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(list.purpose().as_bytes());
        mac.update(user.as_bytes());
        mac
    }

    /// The token that turns `user`'s "cards are due" reminders off.
    pub fn token(&self, user: &UserId) -> String {
        self.token_for(user, ReminderList::Cards)
    }

    /// The token that turns `user`'s reminders of `list` off.
    pub fn token_for(&self, user: &UserId, list: ReminderList) -> String {
        let signature = self.mac(user.as_str(), list).finalize().into_bytes();
        let signature = URL_SAFE_NO_PAD.encode(signature);
        match list.tag() {
            None => format!("{user}.{signature}"),
            Some(tag) => format!("{user}.{tag}.{signature}"),
        }
    }

    /// The two addresses of `user`'s token for `list` under `base`: the page the mail's text
    /// links to (it asks first), and the one-click address of its `List-Unsubscribe` header.
    pub fn links(&self, user: &UserId, list: ReminderList, base: &str) -> (String, String) {
        let token = self.token_for(user, list);
        (
            format!("{base}/unsubscribe?token={token}"),
            format!("{base}/api/reminders/unsubscribe?token={token}"),
        )
    }

    /// The user a "cards are due" token was made for, if this server made it.
    pub fn verify(&self, token: &str) -> Option<UserId> {
        match self.verify_any(token)? {
            (user, ReminderList::Cards) => Some(user),
            _ => None,
        }
    }

    /// The user and the list a token was made for, if this server made it (compared in constant
    /// time).
    pub fn verify_any(&self, token: &str) -> Option<(UserId, ReminderList)> {
        let (head, signature) = token.rsplit_once('.')?;
        let (user, list) = match head.split_once('.') {
            None => (head, ReminderList::Cards),
            Some((user, "streak")) => (user, ReminderList::Streak),
            Some((user, "digest")) => (user, ReminderList::Digest),
            Some(_) => return None,
        };
        let user = UserId::parse(user).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(user.as_str(), list)
            .verify_slice(&signature)
            .ok()?;
        Some((user, list))
    }
}

/// Turns off the reminders (of the list it names) of the user `token` was made for, without a
/// session (the mail's link, or a mail client's one-click POST). `InvalidToken` for a token this
/// server did not sign, or whose account is gone. Turning them off again is fine.
pub async fn unsubscribe(db: &Db, key: &UnsubscribeKey, token: &str) -> Result<()> {
    let (user, list) = key.verify_any(token.trim()).ok_or(Error::InvalidToken)?;
    let sql = match list {
        ReminderList::Cards => {
            "UPDATE users SET card_reminders = FALSE, updated_at = $2 \
             WHERE id = $1 AND deleted_at IS NULL"
        }
        ReminderList::Streak => {
            "UPDATE users SET streak_reminders = FALSE, updated_at = $2 \
             WHERE id = $1 AND deleted_at IS NULL"
        }
        ReminderList::Digest => {
            "UPDATE users SET discussion_digest = FALSE, updated_at = $2 \
             WHERE id = $1 AND deleted_at IS NULL"
        }
    };
    let changed = on_pool!(db, pool => {
        sqlx::query(sql)
        .bind(&user)
        .bind(Utc::now())
        .execute(pool)
        .await?
        .rows_affected()
    });
    if changed == 0 {
        return Err(Error::InvalidToken);
    }
    tracing::info!(user_id = %user, ?list, "reminders turned off by an unsubscribe link");
    Ok(())
}

/// The time zone an account names; an unknown name (the server's tz database may be older than
/// a client's) is read as UTC.
pub(crate) fn zone(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::warn!(time_zone = name, "unknown time zone; reminders use UTC");
        chrono_tz::UTC
    })
}

/// The local hour and date (`YYYY-MM-DD`) at `now` in `time_zone`.
pub fn local_hour_and_date(now: DateTime<Utc>, time_zone: &str) -> (u32, String) {
    let local = now.with_timezone(&zone(time_zone));
    (local.hour(), local.format("%Y-%m-%d").to_string())
}

/// Queues the sweep of the period `now` falls in (periods of `every`, counted from the Unix
/// epoch); every process does, and the unique key keeps it to one.
pub async fn queue_sweep(db: &Db, now: DateTime<Utc>, every: Duration) -> Result<()> {
    queue_sweep_of(db, SWEEP, now, every).await
}

/// Queues the sweep job of `kind` (this module's, or the streak reminders') for the period `now`
/// falls in.
pub async fn queue_sweep_of(
    db: &Db,
    kind: &str,
    now: DateTime<Utc>,
    every: Duration,
) -> Result<()> {
    let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX).max(1);
    let period = now.timestamp_millis().div_euclid(every_ms);
    let mut tx = db.begin().await?;
    let options = jobs::Options {
        unique_key: Some(format!("{kind}:{}:{period}", every.as_secs())),
        ..jobs::Options::default()
    };
    jobs::enqueue(&mut tx, kind, &serde_json::json!({}), options).await?;
    tx.commit().await?;
    Ok(())
}

/// Queues the sweeps of both reminders ("cards are due" and "streak at risk") every `every` until
/// `stop` turns true; a failing database is logged and tried again at the next period.
pub async fn keep_sweeping(db: Db, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        for kind in [SWEEP, crate::motivation::reminders::SWEEP] {
            if let Err(e) = queue_sweep_of(&db, kind, Utc::now(), every).await {
                tracing::warn!(error = %e, kind, "cannot queue the reminder sweep");
            }
        }
        tokio::select! {
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            () = tokio::time::sleep(every) => {},
        }
    }
}

/// How many days a daily reminder's claim row is kept: only today's is needed for the
/// once-a-day promise (every zone's today is within a day of UTC's); the rest say, for a week,
/// what was sent, then go.
pub const CLAIMS_KEPT_DAYS: i64 = 8;

/// Deletes the claim rows of `table` (`card_reminders`, `streak_reminders`: a user and a local
/// date each) older than [`CLAIMS_KEPT_DAYS`] before `now`. How many went.
pub(crate) async fn forget_old_claims(
    db: &Db,
    table: ClaimTable,
    now: DateTime<Utc>,
) -> Result<u64> {
    let before = (now - chrono::Duration::days(CLAIMS_KEPT_DAYS))
        .date_naive()
        .to_string();
    let sql = match table {
        ClaimTable::Cards => "DELETE FROM card_reminders WHERE local_date < $1",
        ClaimTable::Streak => "DELETE FROM streak_reminders WHERE local_date < $1",
    };
    let gone = on_pool!(db, pool => {
        sqlx::query(sql).bind(&before).execute(pool).await?.rows_affected()
    });
    Ok(gone)
}

/// The tables that record which daily reminder was claimed for whom on which local date.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClaimTable {
    Cards,
    Streak,
}

/// Claims and queues the reminder of everyone who, at `now`, is at their reminder hour, wants
/// reminders, has cards due and had none today (their local day). Returns how many it queued.
/// Old claims go first ([`forget_old_claims`]).
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> Result<u32> {
    forget_old_claims(db, ClaimTable::Cards, now).await?;
    let zones: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT time_zone FROM users WHERE deleted_at IS NULL AND card_reminders",
        )
        .fetch_all(pool)
        .await?
    });
    let now_ms = now.timestamp_millis();
    let mut queued = 0;
    for time_zone in zones {
        let (hour, date) = local_hour_and_date(now, &time_zone);
        let due: Vec<(UserId, i64)> = on_pool!(db, pool => {
            sqlx::query_as(
                "SELECT u.id, COUNT(*) FROM users u JOIN srs_cards c ON c.user_id = u.id \
                 WHERE u.deleted_at IS NULL AND u.card_reminders AND u.time_zone = $1 \
                   AND u.reminder_hour = $2 AND c.due_ms <= $3 AND NOT c.suspended \
                   AND NOT c.deleted \
                   AND NOT EXISTS (SELECT 1 FROM card_reminders r \
                                   WHERE r.user_id = u.id AND r.local_date = $4) \
                 GROUP BY u.id",
            )
            .bind(&time_zone)
            .bind(i32::try_from(hour).unwrap_or(0))
            .bind(now_ms)
            .bind(&date)
            .fetch_all(pool)
            .await?
        });
        for (user, count) in due {
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            if claim(db, &user, &date, count, now).await? {
                queued += 1;
            }
        }
    }
    if queued > 0 {
        tracing::info!(queued, "card reminders queued");
    }
    Ok(queued)
}

/// In one transaction: takes `user`'s reminder of `date` (none if another process or an earlier
/// sweep did), adds the bell's entry and queues the mail. Whether this call took it.
async fn claim(
    db: &Db,
    user_id: &UserId,
    date: &str,
    count: u32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let claim = Claim {
        insert: "INSERT INTO card_reminders (user_id, local_date, due_count, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, local_date) DO NOTHING",
        user: user_id,
        local_date: date,
        figure: i64::from(count),
        now,
    };
    // The bell's entry has no link to sign: only its in-app part is used here.
    let bell = Template::CardsDue {
        count,
        review_link: String::new(),
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
            mail: CardsDueMail {
                db: db.clone(),
                key,
                public_base: public_base.to_owned(),
            },
            transport,
        }),
    ]
}

/// The "cards are due" mail.
#[derive(Debug)]
struct CardsDueMail {
    db: Db,
    key: UnsubscribeKey,
    public_base: String,
}

impl DailyMail for CardsDueMail {
    fn kind(&self) -> &'static str {
        REMINDER
    }

    /// Nothing to send when the job was withdrawn, the account is gone or unconfirmed, reminders
    /// were turned off or no card is due any more.
    fn compose<'a>(&'a self, job: &'a Job, payload: &'a DailyPayload) -> ComposeFuture<'a> {
        Box::pin(async move {
            let mut tx = self.db.begin().await?;
            if !job.hold(&mut tx).await? {
                return Ok(None);
            }
            let Some(user) = user_in(&mut tx, &payload.user_id).await? else {
                return Ok(None);
            };
            if !user.card_reminders || !user.email_verified {
                return Ok(None);
            }
            let count = cards::due_count(&mut tx, &user.id, Utc::now().timestamp_millis()).await?;
            tx.commit().await?;
            if count == 0 {
                return Ok(None);
            }
            let base = &self.public_base;
            let (page, one_click) = self.key.links(&user.id, ReminderList::Cards, base);
            let template = Template::CardsDue {
                count,
                review_link: format!("{base}{}", notify::REVIEW_PATH),
                unsubscribe_link: page,
            };
            Ok(Some(daily::mail_to(job, &user, &template, one_click)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> UnsubscribeKey {
        UnsubscribeKey {
            key: vec![byte; 32].into(),
        }
    }

    #[test]
    fn tokens_name_their_user_and_only_this_key_signs_them() {
        let user = UserId::parse("01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e").unwrap();
        let other = UserId::parse("01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0f").unwrap();
        let token = key(1).token(&user);
        assert_eq!(key(1).verify(&token), Some(user.clone()));
        assert_eq!(key(2).verify(&token), None, "another server's key");
        let (_, signature) = token.split_once('.').unwrap();
        assert_eq!(key(1).verify(&format!("{other}.{signature}")), None);
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(key(1).verify(&altered), None);
        for garbage in ["", ".", "x.y", user.as_ref(), &format!("{user}."), "é.é"] {
            assert_eq!(key(1).verify(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn a_streak_token_names_its_list_and_never_passes_for_another() {
        let user = UserId::parse("01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e").unwrap();
        let streak = key(1).token_for(&user, ReminderList::Streak);
        let cards = key(1).token(&user);
        assert!(streak.starts_with(&format!("{user}.streak.")), "{streak}");
        assert_eq!(
            key(1).verify_any(&streak),
            Some((user.clone(), ReminderList::Streak))
        );
        assert_eq!(
            key(1).verify_any(&cards),
            Some((user.clone(), ReminderList::Cards))
        );
        assert_eq!(key(1).verify(&streak), None, "not a cards token");
        // The cards signature relabelled as a streak one, and the other way round.
        let (_, cards_sig) = cards.rsplit_once('.').unwrap();
        let (_, streak_sig) = streak.rsplit_once('.').unwrap();
        assert_eq!(
            key(1).verify_any(&format!("{user}.streak.{cards_sig}")),
            None
        );
        assert_eq!(key(1).verify_any(&format!("{user}.{streak_sig}")), None);
        assert_eq!(
            key(1).verify_any(&format!("{user}.other.{streak_sig}")),
            None
        );
        assert_eq!(key(2).verify_any(&streak), None);
    }

    #[test]
    fn local_hours_follow_the_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T04:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let cases = [
            ("UTC", 4, "2026-11-30"),
            ("Pacific/Kiritimati", 18, "2026-11-30"), // UTC+14
            ("Pacific/Honolulu", 18, "2026-11-29"),   // UTC-10
            ("Asia/Kolkata", 9, "2026-11-30"),        // UTC+5:30
            ("Nowhere/Atlantis", 4, "2026-11-30"),    // unknown: UTC
        ];
        for (zone, hour, date) in cases {
            assert_eq!(
                local_hour_and_date(now, zone),
                (hour, date.to_owned()),
                "{zone}"
            );
        }
    }
}
