//! One component per route, each naming itself in the browser tab with `use_page_title`.

use yew::prelude::*;

pub mod account;
pub mod admin_applications;
pub mod catalog;
pub mod forgot_password;
pub mod not_found;
pub mod reset_password;
pub mod sign_in;
pub mod sign_up;
pub mod teach;
pub mod verify_email;

pub use account::AccountPage;
pub use admin_applications::AdminApplicationsPage;
pub use catalog::CatalogPage;
pub use forgot_password::ForgotPasswordPage;
pub use not_found::NotFoundPage;
pub use reset_password::ResetPasswordPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use teach::TeachPage;
pub use verify_email::VerifyEmailPage;

/// Sets the browser tab's title to "`title` · EduPlatform" while the page is shown. `title` comes from
/// the current `Texts`, so the tab follows a change of language too.
#[hook]
pub fn use_page_title(title: &'static str) {
    use_effect_with(title, |title| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{title} · EduPlatform"));
        }
    });
}
