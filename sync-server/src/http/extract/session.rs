//! Who is asking: `CurrentUser`, a live session from the session cookie (`edu_session` or, under
//! https, `__Host-edu_session`) or an `Authorization: Bearer` token, and the cookie names.
//!
//! Owns reading credentials off a request and looking the session up once per request. Never
//! decides what a user may do: that is `role`'s and the domain queries'.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use shared::api::accounts::Role;
use shared::domain::UserId;

use crate::error::Error;
use crate::http::AppState;
use crate::identity::sessions::Session;
use crate::identity::User;

/// The session cookie's name when `EDU_PUBLIC_URL` is http.
pub const SESSION_COOKIE: &str = "edu_session";

/// The session cookie's name when `EDU_PUBLIC_URL` is https. Browsers only accept a `__Host-`
/// cookie that is `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-edu_session";

/// The session cookie's name for this server: `__Host-edu_session` under https (`secure`), else
/// `edu_session`. Only that name is read: under https a plain `edu_session` is ignored.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The known-device cookie's name (see `identity::devices`): `__Host-edu_device` under https,
/// else `edu_device`, for the same reason as the session cookie's.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-edu_device"
    } else {
        "edu_device"
    }
}

/// The signed-in user and the session that authenticated this request. Rejects with 401
/// `unauthenticated` when there is no live session; `Option<CurrentUser>` never rejects.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

impl CurrentUser {
    pub fn user(&self) -> &User {
        &self.0.user
    }

    /// The user's id (what ownership checks compare).
    pub fn id(&self) -> &UserId {
        &self.0.user.id
    }

    pub fn role(&self) -> Role {
        self.0.user.role
    }

    pub fn session(&self) -> &Session {
        &self.0
    }
}

/// How a request presented its session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
}

/// The token of a request: `Authorization: Bearer` wins over the cookie named `cookie_name`
/// (`session_cookie_name`). `Err` for an Authorization header that is not a bearer token.
pub fn credential<'a>(
    headers: &'a HeaderMap,
    cookie_name: &str,
) -> Result<Option<Credential<'a>>, Error> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let text = value.to_str().map_err(|_| Error::Unauthenticated)?;
        let (scheme, token) = text.split_once(' ').ok_or(Error::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(Error::Unauthenticated);
        }
        return Ok(Some(Credential::Bearer(token.trim())));
    }
    Ok(cookie(headers, cookie_name).map(Credential::Cookie))
}

/// The value of the cookie `name`, if the request carries a non-empty one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The authentication outcome cached on the request, so guards stacked on one handler look the
/// session up once.
#[derive(Clone)]
struct Authenticated(Option<Session>);

async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Option<Session>, Error> {
    if let Some(Authenticated(found)) = parts.extensions.get::<Authenticated>() {
        return Ok(found.clone());
    }
    let cookie_name = session_cookie_name(state.config.http.secure_cookies());
    let found = match credential(&parts.headers, cookie_name)? {
        None => None,
        Some(Credential::Bearer(token) | Credential::Cookie(token)) => {
            state.accounts.authenticate(token).await?
        }
    };
    parts.extensions.insert(Authenticated(found.clone()));
    if let Some(session) = &found {
        tracing::Span::current().record("user_id", session.user.id.as_str());
    }
    Ok(found)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        authenticate(parts, state)
            .await?
            .map(CurrentUser)
            .ok_or(Error::Unauthenticated)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Error> {
        // A malformed Authorization header is as good as none for optional authentication.
        Ok(authenticate(parts, state)
            .await
            .ok()
            .flatten()
            .map(CurrentUser))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::test_headers as headers;

    #[test]
    fn credentials_table() {
        type Case<'a> = (
            Vec<(&'static str, &'a str)>,
            Result<Option<Credential<'a>>, ()>,
        );
        let cases: Vec<Case<'_>> = vec![
            (vec![], Ok(None)),
            (
                vec![("authorization", "Bearer abc")],
                Ok(Some(Credential::Bearer("abc"))),
            ),
            (
                vec![("authorization", "bearer  abc ")],
                Ok(Some(Credential::Bearer("abc"))),
            ),
            (
                vec![("cookie", "theme=dark; edu_session=xyz; other=1")],
                Ok(Some(Credential::Cookie("xyz"))),
            ),
            (
                vec![
                    ("cookie", "edu_session=xyz"),
                    ("authorization", "Bearer abc"),
                ],
                Ok(Some(Credential::Bearer("abc"))),
            ),
            (vec![("cookie", "edu_session=")], Ok(None)),
            (vec![("cookie", "not_edu_session=xyz")], Ok(None)),
            (vec![("authorization", "Basic dXNlcjpwdw==")], Err(())),
            (vec![("authorization", "Bearer ")], Err(())),
            (vec![("authorization", "Bearer")], Err(())),
        ];
        for (pairs, expected) in cases {
            let map = headers(&pairs);
            assert_eq!(
                credential(&map, SESSION_COOKIE).map_err(|_| ()),
                expected,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn under_https_only_the_host_prefixed_cookie_counts() {
        let name = session_cookie_name(true);
        assert_eq!(name, "__Host-edu_session");
        assert_eq!(session_cookie_name(false), "edu_session");
        assert_eq!(device_cookie_name(true), "__Host-edu_device");
        assert_eq!(device_cookie_name(false), "edu_device");
        let plain = headers(&[("cookie", "edu_session=planted")]);
        assert_eq!(credential(&plain, name).map_err(|_| ()), Ok(None));
        let both = headers(&[("cookie", "edu_session=planted; __Host-edu_session=real")]);
        assert_eq!(
            credential(&both, name).map_err(|_| ()),
            Ok(Some(Credential::Cookie("real")))
        );
        // And under http the prefixed name is just another cookie.
        let prefixed = headers(&[("cookie", "__Host-edu_session=real")]);
        assert_eq!(
            credential(&prefixed, SESSION_COOKIE).map_err(|_| ()),
            Ok(None)
        );
    }
}
