//! Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings.
//!
//! Owns the CPU budget of hashing: every hash runs on the blocking pool behind a semaphore with as
//! many permits as configured (cores by default), so a flood of sign-ins queues here instead of
//! starving the request threads. Never logs or stores a password.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// Memory cost in KiB (OWASP's minimum for Argon2id with t=2, p=1).
pub const MEMORY_KIB: u32 = 19_456;
/// Passes over memory.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

/// Hashes and verifies passwords off the async threads. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    argon2: Argon2<'static>,
    permits: Semaphore,
    /// Verified against when no account matches, so a sign-in for an unknown address costs the
    /// same time as one with a wrong password.
    dummy_hash: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("available_permits", &self.inner.permits.available_permits())
            .finish()
    }
}

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| Error::Internal(format!("Argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("cannot hash a password: {e}")))
}

fn verify_with(argon2: &Argon2<'_>, password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| Error::Internal(format!("a stored password hash does not parse: {e}")))?;
    match argon2.verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(Error::Internal(format!("cannot verify a password: {e}"))),
    }
}

impl PasswordHasher {
    /// Sets up the hasher with `permits` concurrent hashes (at least one) and computes the dummy
    /// hash (one hash, on the blocking pool).
    pub async fn new(permits: usize) -> Result<Self> {
        let argon2 = argon2()?;
        let for_dummy = argon2.clone();
        let dummy_hash = tokio::task::spawn_blocking(move || {
            hash_with(
                &for_dummy,
                "not a password anyone has: the dummy for unknown emails",
            )
        })
        .await
        .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))??;
        Ok(Self {
            inner: Arc::new(Inner {
                argon2,
                permits: Semaphore::new(permits.max(1)),
                dummy_hash,
            }),
        })
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Argon2<'static>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| Error::Internal("the password hasher is closed".into()))?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || work(&inner.argon2))
            .await
            .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))?
    }

    /// A new PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a random salt.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(move |argon2| hash_with(argon2, &password)).await
    }

    /// Whether `password` matches `phc`; with no stored hash, verifies against the dummy and
    /// answers false, taking the same time.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool> {
        let password = password.to_owned();
        let known = phc.is_some();
        let phc = phc.map_or_else(|| self.inner.dummy_hash.clone(), str::to_owned);
        let matches = self
            .run(move |argon2| verify_with(argon2, &password, &phc))
            .await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_salted_argon2id_phc_strings_that_verify() {
        let hasher = PasswordHasher::new(2).await.unwrap();
        let a = hasher.hash("demo-password-2026").await.unwrap();
        let b = hasher.hash("demo-password-2026").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(hasher.verify("demo-password-2026", Some(&a)).await.unwrap());
        assert!(!hasher.verify("demo-password-2027", Some(&a)).await.unwrap());
        assert!(!hasher.verify("demo-password-2026", None).await.unwrap());
        assert!(hasher.verify("x", Some("not a hash")).await.is_err());
    }
}
