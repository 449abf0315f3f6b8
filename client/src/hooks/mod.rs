//! The app's own hooks: state and browser wiring that pages and components share, each in its
//! own file. Hooks may call `api` and `store`; components and pages reach them only through here.

mod use_autosave;
mod use_dropdown;
mod use_due_counts;
mod use_focus_first_problem;
mod use_mailed_token;
mod use_motivation;
mod use_page_keys;
mod use_page_title;
mod use_resend_verification;
mod use_submit;

pub use use_autosave::{use_autosave, Autosave, SaveStatus};
pub use use_dropdown::use_dropdown;
pub use use_due_counts::use_due_counts;
pub use use_focus_first_problem::use_focus_first_problem;
pub use use_mailed_token::use_mailed_token;
pub use use_motivation::use_motivation;
pub use use_page_keys::{
    is_typing_or_shortcut, use_alt_shortcut, use_arrow_navigation, use_escape, use_page_keydown,
    use_slash_focus,
};
pub use use_page_title::use_page_title;
pub use use_resend_verification::{use_resend_verification, Resend, ResendStatus};
pub use use_submit::{use_submit, FormHandle, Submission};
