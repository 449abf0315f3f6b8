//! Attempt limits of the account routes, per client IP and per account, in memory (`governor`).
//!
//! Owns the buckets and the `Retry-After` they imply. Per-replica: with several replicas the limit
//! a client meets is the configured one times the replica count, which still stops brute force.
//! Never stores a password or a token as a key (keys are IPs, lowercased emails and user ids).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::Clock as _;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::RateLimits;
use crate::error::{Error, Result};

/// One bucket per key; `None` when the configured limit is 0 (unlimited).
struct Bucket(Option<DefaultKeyedRateLimiter<String>>);

impl Bucket {
    fn per_minute(limit: u32) -> Self {
        Self(NonZeroU32::new(limit).map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n))))
    }

    fn check(&self, key: &str) -> Result<()> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            // Round up: retrying a fraction of a second early would only fail again.
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Error::RateLimited {
                retry_after: retry_after.max(1),
            }
        })
    }

    fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// What is being attempted; each has a per-IP and a per-account bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    SignIn,
    Register,
    /// Forgot password, resend verification, reset password.
    Recovery,
    /// A signed-in user confirming their password (keyed by user id; no IP bucket).
    PasswordCheck,
}

pub struct RateLimiter {
    sign_in_ip: Bucket,
    sign_in_account: Bucket,
    register_ip: Bucket,
    register_account: Bucket,
    recovery_ip: Bucket,
    recovery_account: Bucket,
    password_check: Bucket,
    checks: AtomicU64,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").finish_non_exhaustive()
    }
}

/// Idle keys are dropped every this many checks, so memory follows recent clients only.
const FORGET_EVERY: u64 = 4096;

impl RateLimiter {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            sign_in_ip: Bucket::per_minute(limits.sign_in_per_ip),
            sign_in_account: Bucket::per_minute(limits.sign_in_per_account),
            register_ip: Bucket::per_minute(limits.register_per_ip),
            register_account: Bucket::per_minute(limits.register_per_account),
            recovery_ip: Bucket::per_minute(limits.recovery_per_ip),
            recovery_account: Bucket::per_minute(limits.recovery_per_account),
            password_check: Bucket::per_minute(limits.password_checks_per_user),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one attempt from `ip` on `account` (an email key or a user id; `None` when the
    /// input named no usable account); `RateLimited` once either bucket is empty.
    pub fn check(&self, attempt: Attempt, ip: Option<&str>, account: Option<&str>) -> Result<()> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.forget_idle();
        }
        let (by_ip, by_account) = match attempt {
            Attempt::SignIn => (Some(&self.sign_in_ip), &self.sign_in_account),
            Attempt::Register => (Some(&self.register_ip), &self.register_account),
            Attempt::Recovery => (Some(&self.recovery_ip), &self.recovery_account),
            Attempt::PasswordCheck => (None, &self.password_check),
        };
        if let (Some(bucket), Some(ip)) = (by_ip, ip) {
            bucket.check(ip)?;
        }
        if let Some(account) = account {
            by_account.check(account)?;
        }
        Ok(())
    }

    fn forget_idle(&self) {
        for bucket in [
            &self.sign_in_ip,
            &self.sign_in_account,
            &self.register_ip,
            &self.register_account,
            &self.recovery_ip,
            &self.recovery_account,
            &self.password_check,
        ] {
            bucket.forget_idle();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_apply_per_ip_and_per_account_with_a_retry_after() {
        let limits = RateLimits {
            sign_in_per_ip: 3,
            sign_in_per_account: 2,
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(&limits);
        let sign_in = |ip, account| limiter.check(Attempt::SignIn, Some(ip), Some(account));
        assert!(sign_in("1.1.1.1", "a").is_ok());
        assert!(sign_in("1.1.1.1", "a").is_ok());
        // The account's bucket is empty, whichever IP asks.
        let err = sign_in("2.2.2.2", "a").unwrap_err();
        assert!(
            matches!(err, Error::RateLimited { retry_after } if (1..=30).contains(&retry_after)),
            "{err:?}"
        );
        // The IP's third attempt passes, its fourth does not, whichever account.
        assert!(sign_in("1.1.1.1", "b").is_ok());
        assert!(sign_in("1.1.1.1", "c").is_err());
        // Other attempts have their own buckets.
        assert!(limiter
            .check(Attempt::Register, Some("1.1.1.1"), Some("a"))
            .is_ok());
    }

    #[test]
    fn a_zero_limit_means_unlimited() {
        let limiter = RateLimiter::new(&RateLimits::unlimited());
        for _ in 0..1000 {
            limiter
                .check(Attempt::SignIn, Some("1.1.1.1"), Some("a"))
                .unwrap();
        }
    }
}
