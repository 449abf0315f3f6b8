//! One sync round of one document: send this device's message, apply the server's reply, keep the
//! result, until the server answers 204 and this device has nothing more to send. Generic over how
//! a message travels and how the replica is kept, so the same steps run against the HTTP API
//! (`sync::sync_doc`) and against an in-memory server in native tests.

use std::cell::RefCell;
use std::future::Future;

use shared::doc::DocError;

use super::replica::Replica;

/// The most messages one round sends: the protocol settles in two or three; a server that keeps
/// answering without settling must not keep the device busy.
pub const MAX_ROUND_TRIPS: usize = 16;

/// Why a round stopped early.
#[derive(Debug, Clone, PartialEq)]
pub enum RoundError<E> {
    /// The server's reply is not a message, or adds what the schema forbids: not applied.
    Refused(DocError),
    /// Sending, or keeping the result, failed.
    Failed(E),
}

impl<E> From<E> for RoundError<E> {
    fn from(error: E) -> Self {
        Self::Failed(error)
    }
}

/// Runs one round on `replica`. `send` carries a message and returns the server's reply (`None`:
/// 204); `keep` saves the replica as it is now (called after every applied reply and at the end).
/// Returns whether the server is known to hold every change of this device. Never holds the
/// replica borrowed across an await, so local changes can be made while a round runs (the round
/// then sends them too).
pub async fn round<E, Send, Sent, Keep, Kept>(
    replica: &RefCell<Replica>,
    mut send: Send,
    mut keep: Keep,
) -> Result<bool, RoundError<E>>
where
    Send: FnMut(Vec<u8>) -> Sent,
    Sent: Future<Output = Result<Option<Vec<u8>>, E>>,
    Keep: FnMut() -> Kept,
    Kept: Future<Output = Result<(), E>>,
{
    // A round that broke off earlier may have left a message "in flight": start cleanly, so the
    // first message always goes out (and pulls what other devices added).
    replica.borrow_mut().reset_sync();
    for _ in 0..MAX_ROUND_TRIPS {
        let Some(message) = replica.borrow_mut().next_message() else {
            break;
        };
        if let Some(reply) = send(message).await? {
            replica
                .borrow_mut()
                .receive(&reply)
                .map_err(RoundError::Refused)?;
            keep().await?;
        }
    }
    let settled = replica.borrow_mut().settle();
    keep().await?;
    Ok(settled)
}

/// `round` for callers whose transport answers at once (native tests): polls it to the end.
#[cfg(test)]
pub fn drive<E>(
    replica: &mut Replica,
    mut send: impl FnMut(&[u8]) -> Result<Option<Vec<u8>>, E>,
) -> Result<bool, RoundError<E>> {
    let shared = RefCell::new(replica.clone());
    let result = {
        let future = round(
            &shared,
            |message| std::future::ready(send(&message)),
            || std::future::ready(Ok(())),
        );
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(result) = future.as_mut().poll(&mut context) else {
            unreachable!("every future in a test round is ready at once")
        };
        result
    };
    *replica = shared.into_inner();
    result
}
