//! Accepts HTTP connections and, on shutdown, drains them instead of cutting them.
//!
//! Owns the accept loop and the drain. Once shutdown starts, the listener is closed (new
//! connections are refused, so a client knows nothing was sent), and every connection already
//! open is still answered, each answer carrying `Connection: close`. A connection is closed
//! when its client goes, when it has sat idle for `DRAIN_IDLE` (nobody is about to use it), or when
//! the grace period ends; a request in flight then still gets its answer. Never closes a
//! connection that just answered: that is the race in which a keep-alive client's next request,
//! already on the wire, would meet a closed socket and get no answer at all.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt as _;

/// While draining, a connection idle this long is closed before the grace period ends.
pub const DRAIN_IDLE: Duration = Duration::from_secs(1);

/// After the grace period, how long a request still running may take to write its answer before
/// its connection is dropped.
const CLOSE_SLACK: Duration = Duration::from_secs(1);

/// How often a draining connection looks at its idle time.
const DRAIN_TICK: Duration = Duration::from_millis(100);

/// The drain's deadline once shutdown has started; `None` while serving.
type Drain = watch::Receiver<Option<Instant>>;

/// Serves `router` on `listener` until `shutdown` completes, then drains for at most `grace`
/// (plus `CLOSE_SLACK` for answers being written). Handlers get the peer as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) {
    let (drain_tx, drain) = watch::channel(None);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, router.clone(), drain.clone()));
                }
                Err(e) => accept_failed(e).await,
            },
            // Reaps finished connections, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }

    let deadline = Instant::now() + grace;
    let _ = drain_tx.send(Some(deadline));
    // Connections the kernel already accepted would be reset when the listener closes: take them.
    while let Some((stream, peer)) = accept_waiting(&listener) {
        connections.spawn(connection(stream, peer, router.clone(), drain.clone()));
    }
    drop(listener);
    tracing::info!(
        open = connections.len(),
        grace_secs = grace.as_secs(),
        "draining connections"
    );
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout_at(deadline + CLOSE_SLACK, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "connections still busy after the grace period; dropping them"
        );
        connections.shutdown().await;
    }
}

/// A connection the kernel has already accepted, if one is waiting; never waits for one.
fn accept_waiting(listener: &TcpListener) -> Option<(TcpStream, SocketAddr)> {
    let waker = std::task::Waker::noop();
    match listener.poll_accept(&mut std::task::Context::from_waker(waker)) {
        Poll::Ready(Ok(accepted)) => Some(accepted),
        Poll::Ready(Err(_)) | Poll::Pending => None,
    }
}

/// A failed `accept`: a client that gave up is nothing; anything else (out of file descriptors)
/// is logged, and accepting pauses a second so the loop does not spin.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// When a connection last started or finished a request.
struct LastUse {
    epoch: Instant,
    at_ms: AtomicU64,
}

impl LastUse {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            at_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.at_ms.store(now, Ordering::Release);
    }

    fn idle_for(&self) -> Duration {
        self.epoch
            .elapsed()
            .saturating_sub(Duration::from_millis(self.at_ms.load(Ordering::Acquire)))
    }
}

/// Serves one connection until it closes; closes it gracefully during the drain (see the module).
async fn connection(stream: TcpStream, peer: SocketAddr, router: Router, mut drain: Drain) {
    // Streamed answers (the tutor's events) are many small writes: each goes out at once, not held
    // back by Nagle's algorithm until the reader's delayed ACK (up to 40 ms on Linux).
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
    let last_use = Arc::new(LastUse::new());
    let service = {
        let last_use = last_use.clone();
        let drain = drain.clone();
        tower::service_fn(move |mut req: Request<Incoming>| {
            let router = router.clone();
            let last_use = last_use.clone();
            let drain = drain.clone();
            async move {
                last_use.touch();
                req.extensions_mut().insert(ConnectInfo(peer));
                let mut res = router.oneshot(req).await?;
                if drain.borrow().is_some() {
                    res.headers_mut()
                        .insert(CONNECTION, HeaderValue::from_static("close"));
                }
                last_use.touch();
                Ok::<_, Infallible>(res)
            }
        })
    };
    let conn = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::trace!(error = %e, "connection ended with an error");
                }
                break;
            }
            () = time_to_close(&mut drain, &last_use), if !closing => {
                // Idle: closed now. Busy: closed after the answer being made.
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
        }
    }
}

/// Completes once the drain has started and the connection has sat idle `DRAIN_IDLE`, or the
/// drain's deadline has passed.
async fn time_to_close(drain: &mut Drain, last_use: &LastUse) {
    let Ok(deadline) = drain.wait_for(Option::is_some).await.map(|d| *d) else {
        // The server is gone without a drain: close.
        return;
    };
    let deadline = deadline.unwrap_or_else(Instant::now);
    while Instant::now() < deadline && last_use.idle_for() < DRAIN_IDLE {
        tokio::time::sleep(DRAIN_TICK.min(deadline.saturating_duration_since(Instant::now())))
            .await;
    }
}
