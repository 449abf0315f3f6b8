//! "Send the verification link again", shared by the sign-up and sign-in pages.

use yew::prelude::*;

use crate::api;
use crate::error::ClientError;

/// Where a "send the verification link again" request stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ResendStatus {
    Idle,
    Sending,
    Sent,
    Failed(ClientError),
}

/// The status and the trigger of a resend.
pub struct Resend {
    pub status: ResendStatus,
    pub send: Callback<String>,
}

/// Sends the verification link again to the address given to `send`.
#[hook]
pub fn use_resend_verification() -> Resend {
    let status = use_state_eq(|| ResendStatus::Idle);
    let send = {
        let status = status.clone();
        Callback::from(move |email: String| {
            status.set(ResendStatus::Sending);
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                status.set(match api::resend_verification(email.trim()).await {
                    Ok(()) => ResendStatus::Sent,
                    Err(error) => ResendStatus::Failed(error),
                });
            });
        })
    };
    Resend {
        status: (*status).clone(),
        send,
    }
}
