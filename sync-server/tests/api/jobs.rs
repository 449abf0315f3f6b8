//! The job queue as a handler meets it: retries, permanent failures, two runners, run-at times,
//! unique keys and waking when the queueing transaction commits.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sync_server::jobs::{self, Handler, Job, JobError, Outcome, RunFuture, Runner, WorkerOptions};
use sync_server::Db;

use crate::both_backends;
use crate::helpers::{eventually, quick_retries, Options, TestApp};

/// A handler that records every run and fails the first `fail_first` of them.
#[derive(Debug)]
struct Recorder {
    kind: &'static str,
    fail_first: usize,
    permanent: bool,
    runs: Mutex<Vec<(String, Instant)>>,
}

impl Recorder {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            fail_first: 0,
            permanent: false,
            runs: Mutex::new(Vec::new()),
        }
    }

    fn failing(kind: &'static str, fail_first: usize, permanent: bool) -> Self {
        Self {
            fail_first,
            permanent,
            ..Self::new(kind)
        }
    }

    fn runs(&self) -> Vec<(String, Instant)> {
        self.runs.lock().unwrap().clone()
    }
}

impl Handler for Recorder {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let n = {
                let mut runs = self.runs.lock().unwrap();
                runs.push((job.payload.clone(), Instant::now()));
                runs.len()
            };
            match n <= self.fail_first {
                true if self.permanent => {
                    Err(JobError::permanent("the payload names no such thing"))
                }
                true => Err(JobError::transient("the service is down")),
                false => Ok(Outcome::Done),
            }
        })
    }
}

async fn spawn_with(
    backend: crate::helpers::Backend,
    handler: Arc<Recorder>,
    worker: WorkerOptions,
) -> TestApp {
    let options = Options {
        demo_data: false,
        worker,
        job_handlers: vec![handler],
        ..Options::default()
    };
    TestApp::spawn_with(backend, options).await
}

/// Queues one job per payload in one committed transaction; returns the ids of those queued.
async fn queue(
    db: &Db,
    kind: &str,
    payloads: &[serde_json::Value],
    options: jobs::Options,
) -> Vec<Option<shared::domain::JobId>> {
    let mut tx = db.begin().await.unwrap();
    let mut ids = Vec::new();
    for payload in payloads {
        ids.push(
            jobs::enqueue(&mut tx, kind, payload, options.clone())
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    ids
}

/// `(status, attempts, last_error)` of every job of `kind`, oldest first.
async fn rows(db: &Db, kind: &str) -> Vec<(String, i32, Option<String>)> {
    let sql = "SELECT status, attempts, last_error FROM jobs WHERE kind = $1 ORDER BY id";
    crate::on_db!(db, pool => sqlx::query_as(sql).bind(kind).fetch_all(pool).await.unwrap())
}

both_backends!(
    async fn a_job_that_fails_twice_is_retried_with_growing_delays_and_succeeds_once(backend) {
        let handler = Arc::new(Recorder::failing("flaky", 2, false));
        let app = spawn_with(backend, handler.clone(), quick_retries()).await;
        queue(&app.db, "flaky", &[serde_json::json!({"n": 1})], jobs::Options::default()).await;

        eventually("the job to be done", || async { rows(&app.db, "flaky").await[0].0 == "done" }).await;
        assert_eq!(rows(&app.db, "flaky").await, vec![("done".to_owned(), 3, None)]);
        let runs = handler.runs();
        assert_eq!(runs.len(), 3);
        assert!(runs.iter().all(|(payload, _)| payload == r#"{"n":1}"#), "{runs:?}");
        // Lower bounds only: a busy machine can stretch any wait.
        for (i, gap) in runs.windows(2).map(|w| w[1].1 - w[0].1).enumerate() {
            let least = Duration::from_millis(100) * (1 << i);
            assert!(gap >= least, "wait {i} is at least {least:?}: {gap:?}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(handler.runs().len(), 3, "one success, then never again");
    }
);

both_backends!(
    async fn a_permanently_failing_job_is_marked_failed_without_retries(backend) {
        let handler = Arc::new(Recorder::failing("doomed", usize::MAX, true));
        let app = spawn_with(backend, handler.clone(), quick_retries()).await;
        queue(&app.db, "doomed", &[serde_json::json!({})], jobs::Options::default()).await;

        eventually("the job to fail", || async { rows(&app.db, "doomed").await[0].0 == "failed" }).await;
        assert_eq!(
            rows(&app.db, "doomed").await,
            vec![("failed".to_owned(), 1, Some("the payload names no such thing".to_owned()))]
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(handler.runs().len(), 1);
    }
);

both_backends!(
    async fn a_job_failing_every_time_is_marked_failed_after_max_attempts(backend) {
        let handler = Arc::new(Recorder::failing("broken", usize::MAX, false));
        let app = spawn_with(backend, handler.clone(), quick_retries()).await;
        queue(&app.db, "broken", &[serde_json::json!({})], jobs::Options::default()).await;

        eventually("the job to fail", || async { rows(&app.db, "broken").await[0].0 == "failed" }).await;
        assert_eq!(
            rows(&app.db, "broken").await,
            vec![("failed".to_owned(), 4, Some("the service is down".to_owned()))]
        );
        assert_eq!(handler.runs().len(), 4);
    }
);

both_backends!(
    async fn two_runners_on_one_database_run_each_job_exactly_once(backend) {
        let handler = Arc::new(Recorder::new("counted"));
        let options = WorkerOptions {
            poll_interval: Duration::from_millis(10),
            batch_size: 5,
            ..WorkerOptions::default()
        };
        let app = spawn_with(backend, handler.clone(), options.clone()).await;
        // A second runner with a pool of its own, as another server process would have.
        let other_db = Db::connect(&app.config.database.url).await.unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let other = tokio::spawn(Runner::new(other_db.clone(), options).with_handler(handler.clone()).run(stopped));

        let payloads: Vec<serde_json::Value> = (0..60).map(|n| serde_json::json!({ "n": n })).collect();
        queue(&app.db, "counted", &payloads, jobs::Options::default()).await;

        eventually("all 60 jobs to be done", || async {
            rows(&app.db, "counted").await.iter().filter(|r| r.0 == "done").count() == 60
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut ran: Vec<String> = handler.runs().into_iter().map(|(payload, _)| payload).collect();
        assert_eq!(ran.len(), 60, "each job ran once");
        ran.sort();
        ran.dedup();
        assert_eq!(ran.len(), 60);
        assert!(rows(&app.db, "counted").await.iter().all(|r| r.1 == 1));

        stop.send(true).unwrap();
        other.await.unwrap();
        other_db.close().await;
    }
);

both_backends!(
    async fn a_job_scheduled_for_later_does_not_run_before_its_time(backend) {
        let handler = Arc::new(Recorder::new("reminder"));
        let app = spawn_with(backend, handler.clone(), quick_retries()).await;
        let queued_at = Instant::now();
        let options = jobs::Options {
            run_at: Some(chrono::Utc::now() + chrono::Duration::milliseconds(1500)),
            ..jobs::Options::default()
        };
        queue(&app.db, "reminder", &[serde_json::json!({"user": "u1"})], options).await;
        queue(&app.db, "reminder", &[serde_json::json!({"now": true})], jobs::Options::default()).await;

        eventually("both jobs to be done", || async {
            rows(&app.db, "reminder").await.iter().all(|r| r.0 == "done")
        })
        .await;
        let runs = handler.runs();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].0, r#"{"now":true}"#, "the unscheduled job runs first: {runs:?}");
        assert!(runs[1].1 - queued_at >= Duration::from_millis(1400), "{:?}", runs[1].1 - queued_at);
    }
);

both_backends!(
    async fn a_taken_unique_key_queues_nothing_until_its_job_is_purged(backend) {
        let handler = Arc::new(Recorder::new("daily"));
        let app = spawn_with(backend, handler.clone(), quick_retries()).await;
        let keyed = jobs::Options {
            unique_key: Some("daily:u1:2026-11-30".into()),
            ..jobs::Options::default()
        };
        // In one transaction and in the next one: one job.
        let ids = queue(&app.db, "daily", &[serde_json::json!(1), serde_json::json!(2)], keyed.clone()).await;
        assert!(ids[0].is_some() && ids[1].is_none(), "{ids:?}");
        assert_eq!(queue(&app.db, "daily", &[serde_json::json!(3)], keyed.clone()).await, vec![None]);
        // Other keys, and no key, are not affected.
        let other = jobs::Options { unique_key: Some("daily:u2:2026-11-30".into()), ..jobs::Options::default() };
        assert!(queue(&app.db, "daily", &[serde_json::json!(4)], other).await[0].is_some());
        assert!(queue(&app.db, "daily", &[serde_json::json!(5), serde_json::json!(6)], jobs::Options::default())
            .await
            .iter()
            .all(Option::is_some));

        eventually("every job to be done", || async {
            rows(&app.db, "daily").await.iter().all(|r| r.0 == "done")
        })
        .await;
        assert_eq!(rows(&app.db, "daily").await.len(), 4);
        // Done, the key still holds: the reminder of that day is not sent twice.
        assert_eq!(queue(&app.db, "daily", &[serde_json::json!(7)], keyed.clone()).await, vec![None]);
        // Purged after the retention, it is free again.
        let later = chrono::Utc::now() + chrono::Duration::seconds(1);
        // Every finished job goes, these four and the app's own (its reminder sweeps; one of
        // those may finish between the count and the purge, and goes too).
        let finished: i64 = crate::on_db!(&app.db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE status IN ('done', 'failed')"
        ).fetch_one(pool).await.unwrap());
        assert!(finished >= 4, "{finished}");
        let purged = jobs::purge(&app.db, later).await.unwrap();
        assert!(purged >= u64::try_from(finished).unwrap(), "{purged} purged, {finished} finished");
        assert!(rows(&app.db, "daily").await.is_empty());
        assert!(queue(&app.db, "daily", &[serde_json::json!(8)], keyed).await[0].is_some());
        eventually("the new job to run", || async { handler.runs().len() == 5 }).await;
        let ran: Vec<String> = handler.runs().into_iter().map(|(payload, _)| payload).collect();
        assert!(ran.contains(&"1".to_owned()) && ran.contains(&"8".to_owned()), "{ran:?}");
        assert!(!ran.iter().any(|p| ["2", "3", "7"].contains(&p.as_str())), "{ran:?}");
    }
);

both_backends!(
    async fn two_transactions_queueing_one_unique_key_at_once_make_one_job(backend) {
        let options = Options { demo_data: false, worker: WorkerOptions { enabled: false, ..WorkerOptions::default() }, ..Options::default() };
        let app = TestApp::spawn_with(backend, options).await;
        let keyed = jobs::Options { unique_key: Some("reminder:u1:2026-11-30".into()), ..jobs::Options::default() };

        let mut first = app.db.begin().await.unwrap();
        assert!(jobs::enqueue(&mut first, "reminder", &1, keyed.clone()).await.unwrap().is_some());
        // The second transaction (another process's, with its own pool) waits for the first:
        // PostgreSQL on the key's index entry, SQLite on its one write lock.
        let other_db = Db::connect(&app.config.database.url).await.unwrap();
        let second = tokio::spawn({
            let other_db = other_db.clone();
            let keyed = keyed.clone();
            async move {
                let mut tx = other_db.begin().await.unwrap();
                let id = jobs::enqueue(&mut tx, "reminder", &2, keyed).await.unwrap();
                tx.commit().await.unwrap();
                id
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!second.is_finished(), "the second waits for the first");
        first.commit().await.unwrap();
        assert_eq!(second.await.unwrap(), None, "the key was taken when the first committed");
        let payloads: Vec<String> = crate::on_db!(app.db, pool => sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'reminder'").fetch_all(pool).await.unwrap());
        assert_eq!(payloads, vec!["1".to_owned()]);

        // Had the first rolled back, the second's job would have been queued.
        let next = jobs::Options { unique_key: Some("reminder:u1:2026-12-01".into()), ..jobs::Options::default() };
        let mut first = app.db.begin().await.unwrap();
        assert!(jobs::enqueue(&mut first, "reminder", &3, next.clone()).await.unwrap().is_some());
        let second = tokio::spawn({
            let other_db = other_db.clone();
            async move {
                let mut tx = other_db.begin().await.unwrap();
                let id = jobs::enqueue(&mut tx, "reminder", &4, next).await.unwrap();
                tx.commit().await.unwrap();
                id
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        assert!(second.await.unwrap().is_some());
        other_db.close().await;
    }
);

both_backends!(
    async fn a_committed_job_runs_at_once_and_a_rolled_back_one_never(backend) {
        let handler = Arc::new(Recorder::new("woken"));
        // Polling once a minute: a job that runs within seconds was woken by the commit.
        let options = WorkerOptions { poll_interval: Duration::from_secs(60), ..WorkerOptions::default() };
        let app = spawn_with(backend, handler.clone(), options).await;
        // Let the runner finish its first look at the (empty) queue and start waiting.
        tokio::time::sleep(Duration::from_millis(300)).await;

        let mut tx = app.db.begin().await.unwrap();
        jobs::enqueue(&mut tx, "woken", &"rolled back", jobs::Options::default()).await.unwrap();
        drop(tx);
        let queued_at = Instant::now();
        queue(&app.db, "woken", &[serde_json::json!("committed")], jobs::Options::default()).await;
        eventually("the committed job to run", || async { !handler.runs().is_empty() }).await;
        assert!(queued_at.elapsed() < Duration::from_secs(10), "{:?}", queued_at.elapsed());

        tokio::time::sleep(Duration::from_millis(300)).await;
        let ran: Vec<String> = handler.runs().into_iter().map(|(payload, _)| payload).collect();
        assert_eq!(ran, vec![r#""committed""#.to_owned()]);
        assert_eq!(rows(&app.db, "woken").await.len(), 1, "the rolled-back job never existed");
    }
);
