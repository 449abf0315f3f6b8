//! What handlers take from a request, each rejecting with our JSON `Error`: bodies, paths and
//! queries (`body`), the signed-in user (`session`), role guards and course ownership (`role`), and
//! the client's address (`client_ip`).
//!
//! Owns the shape of input and who is asking; never rules on values (the domain modules do). CSRF
//! is checked before any handler by `csrf`, body sizes by `body_limit`.

mod body;
mod client_ip;
mod role;
mod session;

pub use body::{page_limit, path_id, Json, Path, Query};
pub use client_ip::client_ip;
pub use role::{
    require_course_owner, require_role, Admin, Require, RequireAdmin, RequireStudent,
    RequireTeacher, RequireTeacherOrAdmin, RoleSet, Student, Teacher, TeacherOrAdmin,
};
pub use session::{
    cookie, credential, device_cookie_name, session_cookie_name, Credential, CurrentUser,
    SECURE_SESSION_COOKIE, SESSION_COOKIE,
};

/// A header map from `(name, value)` pairs, in order (repeated names append), for the extractors'
/// unit tests.
#[cfg(test)]
pub(crate) fn test_headers(pairs: &[(&'static str, &str)]) -> axum::http::HeaderMap {
    let mut map = axum::http::HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            *name,
            axum::http::HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    map
}
