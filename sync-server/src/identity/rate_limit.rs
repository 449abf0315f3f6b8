//! Attempt limits of the account routes, per client source and per account, in memory (`governor`).
//!
//! Owns the buckets, how they are keyed, and the `Retry-After` they imply. Per-replica: with
//! several replicas the limit a client meets is the configured one times the replica count, which
//! still stops brute force. Never stores a password or a token as a key (keys are IP prefixes,
//! lowercased emails, user ids and hashes of device tokens).
//!
//! Sign-in is keyed so that a stranger cannot lock the owner out:
//! - a *source* is an IPv4 address or an IPv6 /64 (one host usually holds a whole /64);
//! - each source has its own budget per account, so wrong tries from one place never block the
//!   owner signing in from another;
//! - an account-wide ceiling over all sources stops a botnet spreading guesses over many sources;
//! - a browser that signed in to the account before carries a device cookie; its attempts count
//!   only against that device's own budget, so even a botnet at the ceiling leaves the owner's
//!   own browsers able to sign in.

use std::net::IpAddr;
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

/// What is being attempted; each has a per-source and a per-account bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    SignIn,
    Register,
    /// Forgot password, resend verification, reset password.
    Recovery,
    /// A signed-in user confirming their password (keyed by user id; no source bucket).
    PasswordCheck,
}

/// The key a client's address is limited by: IPv4 addresses one by one (an IPv4-mapped IPv6
/// address as its IPv4 address), IPv6 addresses by their /64, since one host or home usually
/// holds a whole /64 and could otherwise take a fresh address for every attempt.
pub fn source_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            let prefix = std::net::Ipv6Addr::new(
                segments[0],
                segments[1],
                segments[2],
                segments[3],
                0,
                0,
                0,
                0,
            );
            format!("{prefix}/64")
        }
    }
}

pub struct RateLimiter {
    sign_in_source: Bucket,
    sign_in_account_source: Bucket,
    sign_in_account: Bucket,
    sign_in_device: Bucket,
    register_source: Bucket,
    register_account: Bucket,
    recovery_source: Bucket,
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
            sign_in_source: Bucket::per_minute(limits.sign_in_per_ip),
            sign_in_account_source: Bucket::per_minute(limits.sign_in_per_account),
            sign_in_account: Bucket::per_minute(limits.sign_in_per_account_all_sources),
            sign_in_device: Bucket::per_minute(limits.sign_in_per_known_device),
            register_source: Bucket::per_minute(limits.register_per_ip),
            register_account: Bucket::per_minute(limits.register_per_account),
            recovery_source: Bucket::per_minute(limits.recovery_per_ip),
            recovery_account: Bucket::per_minute(limits.recovery_per_account),
            password_check: Bucket::per_minute(limits.password_checks_per_user),
            checks: AtomicU64::new(0),
        }
    }

    fn count_check(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.forget_idle();
        }
    }

    /// Counts one attempt from `ip` on `account` (an email key or a user id; `None` when the
    /// input named no usable account); `RateLimited` once a bucket is empty. Sign-ins go through
    /// `check_sign_in`.
    pub fn check(&self, attempt: Attempt, ip: Option<IpAddr>, account: Option<&str>) -> Result<()> {
        self.count_check();
        let (by_source, by_account) = match attempt {
            Attempt::SignIn => return self.check_sign_in(ip, account.unwrap_or_default(), None),
            Attempt::Register => (Some(&self.register_source), &self.register_account),
            Attempt::Recovery => (Some(&self.recovery_source), &self.recovery_account),
            Attempt::PasswordCheck => (None, &self.password_check),
        };
        if let (Some(bucket), Some(ip)) = (by_source, ip) {
            bucket.check(&source_key(ip))?;
        }
        if let Some(account) = account {
            by_account.check(account)?;
        }
        Ok(())
    }

    /// Counts one sign-in attempt on `account` (its email key). `known_device` is the hash of a
    /// device token that signed in to this account before: its attempts count against that
    /// device alone. Otherwise they count against the source, the (account, source) pair and the
    /// account-wide ceiling.
    pub fn check_sign_in(
        &self,
        ip: Option<IpAddr>,
        account: &str,
        known_device: Option<&str>,
    ) -> Result<()> {
        self.count_check();
        if let Some(device) = known_device {
            return self.sign_in_device.check(device);
        }
        let source = ip.map(source_key).unwrap_or_default();
        self.sign_in_source.check(&source)?;
        self.sign_in_account_source
            .check(&format!("{account}\u{0}{source}"))?;
        self.sign_in_account.check(account)
    }

    fn forget_idle(&self) {
        for bucket in [
            &self.sign_in_source,
            &self.sign_in_account_source,
            &self.sign_in_account,
            &self.sign_in_device,
            &self.register_source,
            &self.register_account,
            &self.recovery_source,
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

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn wrong_tries_from_one_source_never_lock_the_owner_out_elsewhere() {
        let limits = RateLimits {
            sign_in_per_ip: 100,
            sign_in_per_account: 2,
            sign_in_per_account_all_sources: 100,
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(&limits);
        assert!(limiter.check_sign_in(ip("1.1.1.1"), "a", None).is_ok());
        assert!(limiter.check_sign_in(ip("1.1.1.1"), "a", None).is_ok());
        let err = limiter.check_sign_in(ip("1.1.1.1"), "a", None).unwrap_err();
        assert!(
            matches!(err, Error::RateLimited { retry_after } if (1..=30).contains(&retry_after)),
            "{err:?}"
        );
        // The owner, elsewhere, still gets in; so does the attacker on another account.
        assert!(limiter.check_sign_in(ip("2.2.2.2"), "a", None).is_ok());
        assert!(limiter.check_sign_in(ip("1.1.1.1"), "b", None).is_ok());
    }

    #[test]
    fn the_account_wide_ceiling_spares_known_devices() {
        let limits = RateLimits {
            sign_in_per_account_all_sources: 3,
            sign_in_per_known_device: 2,
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(&limits);
        for n in 1..=3 {
            assert!(limiter
                .check_sign_in(ip(&format!("10.0.0.{n}")), "a", None)
                .is_ok());
        }
        // A botnet at the ceiling: a new source is refused...
        assert!(limiter.check_sign_in(ip("10.0.0.9"), "a", None).is_err());
        // ...but the owner's browser that signed in before is not, within its own budget.
        assert!(limiter
            .check_sign_in(ip("10.0.0.9"), "a", Some("dev"))
            .is_ok());
        assert!(limiter
            .check_sign_in(ip("10.0.0.9"), "a", Some("dev"))
            .is_ok());
        assert!(limiter
            .check_sign_in(ip("10.0.0.9"), "a", Some("dev"))
            .is_err());
    }

    #[test]
    fn the_per_source_limit_spans_accounts() {
        let limits = RateLimits {
            sign_in_per_ip: 3,
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(&limits);
        for account in ["a", "b", "c"] {
            assert!(limiter.check_sign_in(ip("1.1.1.1"), account, None).is_ok());
        }
        assert!(limiter.check_sign_in(ip("1.1.1.1"), "d", None).is_err());
        // Other attempts have their own buckets.
        assert!(limiter
            .check(Attempt::Register, ip("1.1.1.1"), Some("a"))
            .is_ok());
    }

    #[test]
    fn ipv6_sources_are_their_64() {
        let cases = [
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
            ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::ffff:192.0.2.7", "192.0.2.7"),
            ("192.0.2.7", "192.0.2.7"),
            ("::1", "::/64"),
        ];
        for (address, key) in cases {
            assert_eq!(source_key(address.parse().unwrap()), key, "{address}");
        }
        // So a host rotating through its /64 meets one limit.
        let limits = RateLimits {
            recovery_per_ip: 2,
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(&limits);
        assert!(limiter
            .check(Attempt::Recovery, ip("2001:db8::1"), None)
            .is_ok());
        assert!(limiter
            .check(Attempt::Recovery, ip("2001:db8::2"), None)
            .is_ok());
        assert!(limiter
            .check(Attempt::Recovery, ip("2001:db8::3"), None)
            .is_err());
        assert!(limiter
            .check(Attempt::Recovery, ip("2001:db8:0:1::3"), None)
            .is_ok());
    }

    #[test]
    fn a_zero_limit_means_unlimited() {
        let limiter = RateLimiter::new(&RateLimits::unlimited());
        for _ in 0..1000 {
            limiter.check_sign_in(ip("1.1.1.1"), "a", None).unwrap();
            limiter
                .check_sign_in(ip("1.1.1.1"), "a", Some("d"))
                .unwrap();
        }
    }
}
