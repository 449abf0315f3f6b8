//! Role guards: `Require<R>` admits a signed-in user whose role is in the set `R` (`Student`,
//! `Teacher`, `Admin`, `TeacherOrAdmin`), and `require_course_owner` decides who may author a course
//! (its own teacher or any admin).
//!
//! Owns the 401/403/404 answers of authorization. Handlers never compare roles themselves; the
//! domain queries still scope "mine" to the caller's id.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::api::accounts::Role;

use super::CurrentUser;
use crate::error::Error;
use crate::http::AppState;

/// A set of roles a guard admits, named by a marker type.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// Students only.
#[derive(Debug, Clone, Copy)]
pub struct Student;
/// Approved teachers (an approved application makes the account's role `teacher`).
#[derive(Debug, Clone, Copy)]
pub struct Teacher;
/// Admins only.
#[derive(Debug, Clone, Copy)]
pub struct Admin;
/// Teachers and admins: course authoring, where an admin may act for any teacher.
#[derive(Debug, Clone, Copy)]
pub struct TeacherOrAdmin;

impl RoleSet for Student {
    const ROLES: &'static [Role] = &[Role::Student];
}
impl RoleSet for Teacher {
    const ROLES: &'static [Role] = &[Role::Teacher];
}
impl RoleSet for Admin {
    const ROLES: &'static [Role] = &[Role::Admin];
}
impl RoleSet for TeacherOrAdmin {
    const ROLES: &'static [Role] = &[Role::Teacher, Role::Admin];
}

/// A signed-in user whose role is one of `R::ROLES`: 401 `unauthenticated` when signed out, 403
/// `forbidden` for any other role. Derefs to the `CurrentUser`.
#[derive(Debug, Clone)]
pub struct Require<R: RoleSet> {
    user: CurrentUser,
    roles: PhantomData<fn() -> R>,
}

/// A signed-in student (403 for teachers and admins).
pub type RequireStudent = Require<Student>;
/// A signed-in approved teacher (403 for students and admins).
pub type RequireTeacher = Require<Teacher>;
/// A signed-in admin (403 for everyone else).
pub type RequireAdmin = Require<Admin>;
/// A signed-in teacher or admin (403 for students).
pub type RequireTeacherOrAdmin = Require<TeacherOrAdmin>;

impl<R: RoleSet> Require<R> {
    /// Admits `user` if their role is one of `R::ROLES`.
    pub fn admit(user: CurrentUser) -> Result<Self, Error> {
        require_role(&user, R::ROLES)?;
        Ok(Self {
            user,
            roles: PhantomData,
        })
    }

    pub fn into_inner(self) -> CurrentUser {
        self.user
    }
}

impl<R: RoleSet> Deref for Require<R> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

impl<R: RoleSet> FromRequestParts<AppState> for Require<R> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let user =
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        Self::admit(user)
    }
}

/// Fails with 403 `forbidden` unless the caller holds one of `roles`.
pub fn require_role(user: &CurrentUser, roles: &[Role]) -> Result<(), Error> {
    check_role(user.role(), roles)
}

fn check_role(role: Role, roles: &[Role]) -> Result<(), Error> {
    if roles.contains(&role) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "this is for {} accounts only",
            roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(" or ")
        )))
    }
}

/// Whether `user` may author the course whose teacher is `course_teacher` (`None`: there is no
/// such course, 404 `not_found`). Its own teacher, while still a teacher, and any admin may; anyone
/// else gets 403 `forbidden`. Authoring handlers call it after loading the course's teacher id.
pub fn require_course_owner(user: &CurrentUser, course_teacher: Option<&str>) -> Result<(), Error> {
    check_course_owner(user.id().as_str(), user.role(), course_teacher)
}

fn check_course_owner(
    user_id: &str,
    role: Role,
    course_teacher: Option<&str>,
) -> Result<(), Error> {
    let Some(teacher) = course_teacher else {
        return Err(Error::NotFound("no such course".into()));
    };
    match role {
        Role::Admin => Ok(()),
        Role::Teacher if teacher == user_id => Ok(()),
        Role::Teacher => Err(Error::Forbidden(
            "this course belongs to another teacher".into(),
        )),
        Role::Student => check_role(role, TeacherOrAdmin::ROLES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    fn status(result: Result<(), Error>) -> StatusCode {
        match result {
            Ok(()) => StatusCode::OK,
            Err(e) => e.into_response().status(),
        }
    }

    #[test]
    fn each_guard_admits_exactly_its_roles() {
        const OK: StatusCode = StatusCode::OK;
        const NO: StatusCode = StatusCode::FORBIDDEN;
        let cases: &[(&[Role], [StatusCode; 3])] = &[
            // student, teacher, admin
            (Student::ROLES, [OK, NO, NO]),
            (Teacher::ROLES, [NO, OK, NO]),
            (Admin::ROLES, [NO, NO, OK]),
            (TeacherOrAdmin::ROLES, [NO, OK, OK]),
        ];
        for (roles, expected) in cases {
            let got =
                [Role::Student, Role::Teacher, Role::Admin].map(|r| status(check_role(r, roles)));
            assert_eq!(&got, expected, "{roles:?}");
        }
    }

    #[test]
    fn a_refusal_names_the_roles_admitted() {
        let Err(Error::Forbidden(message)) = check_role(Role::Student, TeacherOrAdmin::ROLES)
        else {
            panic!("a student is refused");
        };
        assert_eq!(message, "this is for teacher or admin accounts only");
    }

    #[test]
    fn only_its_teacher_or_an_admin_may_author_a_course() {
        let cases: &[(&str, Role, Option<&str>, StatusCode)] = &[
            ("t1", Role::Teacher, Some("t1"), StatusCode::OK),
            ("t2", Role::Teacher, Some("t1"), StatusCode::FORBIDDEN),
            ("a1", Role::Admin, Some("t1"), StatusCode::OK),
            // The owner id of a former teacher (back to student) no longer opens the course.
            ("t1", Role::Student, Some("t1"), StatusCode::FORBIDDEN),
            ("s1", Role::Student, Some("t1"), StatusCode::FORBIDDEN),
            ("t1", Role::Teacher, None, StatusCode::NOT_FOUND),
            ("a1", Role::Admin, None, StatusCode::NOT_FOUND),
            ("s1", Role::Student, None, StatusCode::NOT_FOUND),
        ];
        for (user, role, teacher, expected) in cases {
            assert_eq!(
                status(check_course_owner(user, *role, *teacher)),
                *expected,
                "{user} {role:?} on {teacher:?}"
            );
        }
    }
}
