//! The app's routes and who may open them. One page per route lives in `pages/`.

use shared::api::accounts::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::Guard;
use crate::contexts::auth::Session;
use crate::pages::{
    AccountPage, AdminApplicationsPage, CatalogPage, CoursePage, ForgotPasswordPage, LearningPage,
    NotFoundPage, ResetPasswordPage, SignInPage, SignUpPage, TeachPage, UnsubscribePage,
    VerifyEmailPage,
};
use crate::pages::{AdminCategoriesPage, CardsPage, LessonPage, SearchPage};
use crate::pages::{CourseEditorPage, LessonEditorPage, ReviewPage};

#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Route {
    /// The landing page is the catalog for now.
    #[at("/")]
    Home,
    #[at("/courses")]
    Catalog,
    #[at("/sign-up")]
    SignUp,
    #[at("/sign-in")]
    SignIn,
    /// `?token=` from the verification mail.
    #[at("/verify-email")]
    VerifyEmail,
    #[at("/forgot-password")]
    ForgotPassword,
    /// `?token=` from a reminder mail: turns its reminders off, signed in or not.
    #[at("/unsubscribe")]
    Unsubscribe,
    /// `?token=` from the password-reset mail.
    #[at("/reset-password")]
    ResetPassword,
    #[at("/account")]
    Account,
    #[at("/teach")]
    Teach,
    #[at("/admin/applications")]
    AdminApplications,
    /// A course's page, by id or slug.
    #[at("/courses/:course")]
    Course { course: String },
    /// "My learning": the signed-in user's courses.
    #[at("/learning")]
    Learning,
    /// The learner's flashcards: their own, imported and from courses.
    #[at("/cards")]
    Cards,
    /// A lesson of a course (`course`: the course's id or slug), for enrolled learners, the
    /// course's teacher and admins (the server decides; the page explains a refusal).
    #[at("/courses/:course/lessons/:lesson")]
    Lesson { course: String, lesson: String },
    /// Search results; `?q=` the words, `?language=` `en` or `ru`.
    #[at("/search")]
    Search,
    #[at("/admin/categories")]
    AdminCategories,
    /// The course editor (teachers and admins; the page says so to anyone else).
    #[at("/teach/courses/:id")]
    TeachCourse { id: String },
    #[at("/teach/courses/:id/lessons/:lesson")]
    TeachLesson { id: String, lesson: String },
    /// The review session of due flashcards; `?course=` for one course's.
    #[at("/review")]
    Review,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Who may open a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    SignedIn,
    /// Signed in with this role.
    Role(Role),
}

impl Route {
    pub fn access(&self) -> Access {
        match self {
            Self::Account
            | Self::Teach
            | Self::Learning
            | Self::Review
            | Self::Cards
            | Self::Lesson { .. }
            | Self::TeachCourse { .. }
            | Self::TeachLesson { .. } => Access::SignedIn,
            Self::AdminApplications | Self::AdminCategories => Access::Role(Role::Admin),
            _ => Access::Anyone,
        }
    }
}

/// What a guarded page shows for the current session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardDecision {
    /// The page itself.
    Allow,
    /// Still finding out who this is.
    Wait,
    /// Nobody signed in: go to the sign-in page and come back afterwards.
    SignIn,
    /// Signed in, but the page is for another role.
    Forbidden,
}

pub fn guard(access: Access, session: &Session) -> GuardDecision {
    match (access, session) {
        (Access::Anyone, _) => GuardDecision::Allow,
        (_, Session::Loading) => GuardDecision::Wait,
        (_, Session::Anonymous) => GuardDecision::SignIn,
        (Access::SignedIn, Session::SignedIn { .. }) => GuardDecision::Allow,
        (Access::Role(role), Session::SignedIn { me, .. }) if me.role == role => {
            GuardDecision::Allow
        }
        (Access::Role(_), Session::SignedIn { .. }) => GuardDecision::Forbidden,
    }
}

/// The `?next=` path to return to after signing in, if it is one of ours: an absolute path on
/// this origin (never `//host` or a full URL, which would make the sign-in page an open redirect).
pub fn safe_return_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control);
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let pointless = matches!(
        Route::recognize(path),
        Some(Route::SignIn | Route::SignUp | Route::NotFound) | None
    );
    (local && !pointless).then(|| next.to_owned())
}

pub fn switch(route: Route) -> Html {
    let access = route.access();
    let page = match route {
        Route::Home | Route::Catalog => html! { <CatalogPage /> },
        Route::SignUp => html! { <SignUpPage /> },
        Route::SignIn => html! { <SignInPage /> },
        Route::VerifyEmail => html! { <VerifyEmailPage /> },
        Route::ForgotPassword => html! { <ForgotPasswordPage /> },
        Route::Unsubscribe => html! { <UnsubscribePage /> },
        Route::ResetPassword => html! { <ResetPasswordPage /> },
        Route::Account => html! { <AccountPage /> },
        Route::Teach => html! { <TeachPage /> },
        Route::AdminApplications => html! { <AdminApplicationsPage /> },
        Route::Course { course } => html! { <CoursePage {course} /> },
        Route::Learning => html! { <LearningPage /> },
        Route::Cards => html! { <CardsPage /> },
        Route::Lesson { course, lesson } => html! { <LessonPage {course} {lesson} /> },
        Route::Search => html! { <SearchPage /> },
        Route::AdminCategories => html! { <AdminCategoriesPage /> },
        Route::TeachCourse { id } => html! { <CourseEditorPage {id} /> },
        Route::TeachLesson { id, lesson } => html! { <LessonEditorPage course={id} {lesson} /> },
        Route::Review => html! { <ReviewPage /> },
        Route::NotFound => html! { <NotFoundPage /> },
    };
    match access {
        Access::Anyone => page,
        access => html! { <Guard {access}>{ page }</Guard> },
    }
}

// Native tests (`cargo test -p client --lib` on the host): route rules need no browser.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_useful_paths_are_returned_to() {
        assert_eq!(safe_return_path(Some("/teach")), Some("/teach".into()));
        assert_eq!(safe_return_path(Some("//evil.example")), None);
        assert_eq!(safe_return_path(Some("https://evil.example")), None);
        assert_eq!(safe_return_path(Some("/\\evil")), None);
        assert_eq!(safe_return_path(Some("/sign-in")), None);
        assert_eq!(safe_return_path(None), None);
    }

    #[test]
    fn guests_wait_then_sign_in_and_roles_are_enforced() {
        let access = Route::AdminApplications.access();
        assert_eq!(guard(access, &Session::Loading), GuardDecision::Wait);
        assert_eq!(guard(access, &Session::Anonymous), GuardDecision::SignIn);
        assert_eq!(
            guard(Route::Catalog.access(), &Session::Anonymous),
            GuardDecision::Allow
        );
    }
}
