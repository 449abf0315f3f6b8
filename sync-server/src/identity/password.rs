//! Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings.
//!
//! Owns the CPU budget of hashing: every hash runs on a small pool of dedicated threads (one per
//! permit of a semaphore; cores less one by default) at a low OS scheduling priority and pinned off
//! the first core the process may use, so a flood of sign-ins queues here and leaves that core to
//! the request threads and the database. Never logs or stores a password.

use std::sync::{mpsc, Arc, Mutex};

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
    /// Work for the hashing threads; they exit when the hasher (and so this sender) is dropped.
    jobs: mpsc::Sender<Job>,
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

type Job = Box<dyn FnOnce() + Send>;

/// Starts `count` hashing threads at a low OS priority (SCHED_BATCH, nice 10 on Linux), each pinned
/// to one of the cores after the first (see [`hashing_cores`]): under load the request threads and
/// the database come first, so hashing cannot starve them.
fn start_threads(count: usize) -> Result<mpsc::Sender<Job>> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    let cores = hashing_cores(core_affinity::get_core_ids().unwrap_or_default(), count);
    for i in 0..count {
        let receiver = Arc::clone(&receiver);
        let core = cores.get(i).copied();
        std::thread::Builder::new()
            .name(format!("password-hash-{i}"))
            .spawn(move || {
                if let Some(core) = core {
                    if !core_affinity::set_for_current(core) {
                        tracing::warn!(core = core.id, "cannot pin a password hashing thread");
                    }
                }
                lower_priority();
                loop {
                    // The lock is held only while waiting for the next job, not while hashing.
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .map_err(|e| Error::Internal(format!("cannot start a hashing thread: {e}")))?;
    }
    Ok(sender)
}

/// The core each of `count` hashing threads is pinned to, given the cores this process may use:
/// round-robin over all but the first, from the last down, so the first core never runs a hash.
///
/// A low priority alone is not enough: a thread woken for a request (a tokio worker, a database
/// backend) onto the core a hash is running on waits for the hash's time slice to end (milliseconds
/// under EEVDF), which is the whole p99 of a sub-millisecond catalog request. With the hashes kept
/// off one core, the scheduler wakes such threads on that idle core instead. With a single core
/// there is nothing to keep free, and nothing is pinned.
fn hashing_cores(
    mut available: Vec<core_affinity::CoreId>,
    count: usize,
) -> Vec<core_affinity::CoreId> {
    if available.len() < 2 {
        return Vec::new();
    }
    available.sort_by_key(|core| core.id);
    let spare = available.split_off(1);
    spare.iter().rev().copied().cycle().take(count).collect()
}

fn lower_priority() {
    #[cfg(unix)]
    let lowered = {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        // Crossplatform 25 of 0..=99 is nice 10 on Linux: about a tenth of a busy core's time
        // when request threads want it all, all of an idle one.
        thread_priority::ThreadPriorityValue::try_from(25u8)
            .map_err(|_| thread_priority::Error::Priority("25 is out of range"))
            .and_then(|value| {
                set_thread_priority_and_policy(
                    thread_native_id(),
                    thread_priority::ThreadPriority::Crossplatform(value),
                    ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch),
                )
            })
    };
    #[cfg(not(unix))]
    let lowered =
        thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
    if let Err(e) = lowered {
        tracing::warn!(error = ?e, "cannot lower the priority of a password hashing thread");
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
    /// Sets up the hasher with `permits` concurrent hashes (at least one, each on its own thread)
    /// and computes the dummy hash.
    pub async fn new(permits: usize) -> Result<Self> {
        let permits = permits.max(1);
        let argon2 = argon2()?;
        let jobs = start_threads(permits)?;
        let hasher = Self {
            inner: Arc::new(Inner {
                argon2,
                permits: Semaphore::new(permits),
                jobs,
                dummy_hash: String::new(),
            }),
        };
        let dummy_hash = hasher
            .run(|argon2| {
                hash_with(
                    argon2,
                    "not a password anyone has: the dummy for unknown emails",
                )
            })
            .await?;
        let inner = Arc::into_inner(hasher.inner)
            .ok_or_else(|| Error::Internal("the new hasher is shared already".into()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                dummy_hash,
                ..inner
            }),
        })
    }

    /// Runs `work` on a hashing thread once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Argon2<'static>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let closed = || Error::Internal("the password hasher is closed".into());
        let _permit = self.inner.permits.acquire().await.map_err(|_| closed())?;
        let argon2 = self.inner.argon2.clone();
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work(&argon2));
        });
        self.inner.jobs.send(job).map_err(|_| closed())?;
        result.await.map_err(|_| closed())?
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

    #[test]
    fn hashing_threads_stay_off_the_first_core() {
        let cores = |ids: &[usize]| {
            ids.iter()
                .map(|&id| core_affinity::CoreId { id })
                .collect::<Vec<_>>()
        };
        let ids = |pinned: Vec<core_affinity::CoreId>| {
            pinned.iter().map(|core| core.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(hashing_cores(cores(&[0, 1]), 1)), [1]);
        assert_eq!(ids(hashing_cores(cores(&[0, 1]), 3)), [1, 1, 1]);
        assert_eq!(ids(hashing_cores(cores(&[3, 1, 2, 0]), 3)), [3, 2, 1]);
        assert_eq!(ids(hashing_cores(cores(&[0, 1, 2]), 4)), [2, 1, 2, 1]);
        // A cpuset that starts elsewhere keeps its own first core free.
        assert_eq!(ids(hashing_cores(cores(&[4, 6]), 2)), [6, 6]);
        assert!(hashing_cores(cores(&[5]), 2).is_empty());
        assert!(hashing_cores(Vec::new(), 1).is_empty());
    }

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
