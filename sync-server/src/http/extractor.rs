//! Who is asking: `CurrentUser` (a live session from the session cookie, `edu_session` or, under
//! https, `__Host-edu_session`, or an `Authorization: Bearer` token), the role guards `RequireStudent` and `RequireAdmin`, and
//! `identity::Client` (client IP and user agent).
//!
//! Owns reading credentials and the client address off a request. Authorization lives here and in
//! the domain queries, never in handler bodies. CSRF is checked before any handler by `csrf`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;
use shared::api::accounts::Role;

use super::AppState;
use crate::error::Error;
use crate::identity::sessions::Session;
use crate::identity::{Client, User};

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

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The signed-in user and the session that authenticated this request. Rejects with 401
/// `unauthenticated` when there is no live session; `Option<CurrentUser>` never rejects.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

impl CurrentUser {
    pub fn user(&self) -> &User {
        &self.0.user
    }

    /// The user's id (what ownership checks compare).
    pub fn id(&self) -> &str {
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

/// Fails with 403 `forbidden` unless the caller holds one of `roles`.
pub fn require_role(user: &CurrentUser, roles: &[Role]) -> Result<(), Error> {
    if roles.contains(&user.role()) {
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

/// A signed-in student (401 when signed out, 403 for teachers and admins).
#[derive(Debug, Clone)]
pub struct RequireStudent(pub CurrentUser);

impl FromRequestParts<AppState> for RequireStudent {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let user =
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        require_role(&user, &[Role::Student])?;
        Ok(Self(user))
    }
}

/// A signed-in admin (401 when signed out, 403 for everyone else).
#[derive(Debug, Clone)]
pub struct RequireAdmin(pub CurrentUser);

impl FromRequestParts<AppState> for RequireAdmin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let user =
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        require_role(&user, &[Role::Admin])?;
        Ok(Self(user))
    }
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the first hop of
/// `X-Forwarded-For` that is not a trusted proxy, read from the right (each proxy appends the
/// address it saw, so only the entries our own proxies added can be believed). An entry that is
/// not an IP address stops the walk: everything left of it may be forged, so the answer is the
/// last trusted hop (the proxy that passed it on).
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?.to_canonical();
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // Header lines in the order received, each split on commas; a line that is not text is one
    // unusable entry.
    let entries: Vec<Option<IpAddr>> = headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.split(',').map(forwarded_ip).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect();
    let mut last_trusted = peer;
    for entry in entries.iter().rev() {
        match entry {
            Some(hop) if is_trusted(hop) => last_trusted = *hop,
            Some(hop) => return Some(*hop),
            None => return Some(last_trusted),
        }
    }
    Some(last_trusted)
}

/// One `X-Forwarded-For` entry as an address (an IPv4-mapped IPv6 address as IPv4); `None` for
/// anything else (`unknown`, an obfuscated name, garbage).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    entry
        .trim()
        .parse::<IpAddr>()
        .ok()
        .map(|ip| ip.to_canonical())
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let ip = client_ip(peer, &parts.headers, &state.config.http.trusted_proxies);
        let user_agent = parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
        Ok(Client::new(ip, user_agent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

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

    #[test]
    fn client_ip_trusts_forwarded_for_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let net = |s: &str| s.parse::<IpNet>().unwrap();
        let proxy = ip("10.0.0.1");
        let one = [net("10.0.0.1/32")];
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        // Untrusted peer: its own address, whatever it claims.
        assert_eq!(
            client_ip(Some(ip("192.0.2.1")), &xff, &one),
            Some(ip("192.0.2.1"))
        );
        // Trusted proxy: the nearest untrusted hop (the one the proxy saw).
        assert_eq!(client_ip(Some(proxy), &xff, &one), Some(ip("198.51.100.7")));
        // Trusted proxies in a row are skipped, by address or by range.
        let chain = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(Some(proxy), &chain, &[net("10.0.0.0/8")]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(
                Some(proxy),
                &chain,
                &[net("10.0.0.1/32"), net("10.0.0.2/32")]
            ),
            Some(ip("203.0.113.9"))
        );
        // No header: the proxy itself; every hop trusted: the leftmost one.
        assert_eq!(client_ip(Some(proxy), &HeaderMap::new(), &one), Some(proxy));
        assert_eq!(
            client_ip(
                Some(proxy),
                &chain,
                &[net("10.0.0.0/8"), net("203.0.113.0/24")]
            ),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(client_ip(None, &xff, &one), None);
    }

    #[test]
    fn a_forged_entry_left_of_garbage_is_never_the_client_ip() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted = ["10.0.0.0/8".parse::<IpNet>().unwrap()];
        let proxy = Some(ip("10.0.0.1"));
        let cases: &[(&[&str], &str)] = &[
            // The attacker sends "203.0.113.9, unknown"; our proxy appends their real address.
            (&["203.0.113.9, unknown, 198.51.100.7"], "198.51.100.7"),
            // Garbage right after our proxies: the last trusted hop, never what stands left of it.
            (&["203.0.113.9, unknown"], "10.0.0.1"),
            (&["203.0.113.9, unknown, 10.0.0.2"], "10.0.0.2"),
            (&["not-an-ip"], "10.0.0.1"),
            (&["203.0.113.9,"], "10.0.0.1"),
            // Several header lines are one list, in the order received.
            (&["203.0.113.9", "198.51.100.7"], "198.51.100.7"),
            (&["203.0.113.9", "unknown"], "10.0.0.1"),
            // IPv4-mapped IPv6 counts as the IPv4 address (trusted or not).
            (&["::ffff:198.51.100.7"], "198.51.100.7"),
            (&["198.51.100.7, ::ffff:10.0.0.3"], "198.51.100.7"),
        ];
        for (lines, expected) in cases {
            let pairs: Vec<(&'static str, &str)> =
                lines.iter().map(|l| ("x-forwarded-for", *l)).collect();
            assert_eq!(
                client_ip(proxy, &headers(&pairs), &trusted),
                Some(ip(expected)),
                "{lines:?}"
            );
        }
        // A mapped peer address is matched against IPv4 ranges.
        assert_eq!(
            client_ip(
                Some(ip("::ffff:10.0.0.1")),
                &headers(&[("x-forwarded-for", "198.51.100.7")]),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
    }
}
