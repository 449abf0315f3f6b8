//! One component per route, each naming itself in the browser tab with
//! `hooks::use_page_title`. Pages never import each other: what two pages share is a hook
//! (`hooks/`) or a component (`components/`).

pub mod account;
pub mod admin_applications;
pub mod admin_categories;
pub mod cards;
pub mod catalog;
pub mod course;
pub mod course_editor;
pub mod forgot_password;
pub mod learning;
pub mod lesson;
pub mod lesson_editor;
pub mod not_found;
pub mod reset_password;
pub mod review;
pub mod search;
pub mod sign_in;
pub mod sign_up;
pub mod teach;
pub mod unsubscribe;
pub mod verify_email;

pub use account::AccountPage;
pub use admin_applications::AdminApplicationsPage;
pub use admin_categories::AdminCategoriesPage;
pub use cards::CardsPage;
pub use catalog::CatalogPage;
pub use course::CoursePage;
pub use course_editor::CourseEditorPage;
pub use forgot_password::ForgotPasswordPage;
pub use learning::LearningPage;
pub use lesson::LessonPage;
pub use lesson_editor::LessonEditorPage;
pub use not_found::NotFoundPage;
pub use reset_password::ResetPasswordPage;
pub use review::ReviewPage;
pub use search::SearchPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use teach::TeachPage;
pub use unsubscribe::UnsubscribePage;
pub use verify_email::VerifyEmailPage;
