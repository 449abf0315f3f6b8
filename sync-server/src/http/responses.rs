//! Error responses that many routes share, described once in `#/components/responses` and named in
//! a route's `responses(...)` by the fact about the route that brings them: it reads a JSON body
//! (`JsonBody`: 400, 413, 415), needs a session (`SignedIn`: 401), changes state (`StateChanging`:
//! 403 `csrf`) or counts attempts (`Limited`: 429). `finish` then adds 500 to every operation, and
//! to each `SignedIn` one the two ways to present a session as its `security`.
//!
//! A route's own tuple for a status, listed after the markers, replaces the shared answer for that
//! status (its description then names every cause). Owns descriptions only: what is sent is
//! `crate::error::Error`'s.

use std::collections::BTreeMap;

use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder,
};
use utoipa::{IntoResponses, Modify};

const BAD_BODY: &str = "BadBody";
const PAYLOAD_TOO_LARGE: &str = "PayloadTooLarge";
const UNSUPPORTED_MEDIA_TYPE: &str = "UnsupportedMediaType";
const UNAUTHENTICATED: &str = "Unauthenticated";
const CROSS_SITE: &str = "CrossSite";
const RATE_LIMITED: &str = "RateLimited";
const INTERNAL: &str = "Internal";

/// The security schemes a session is presented by (either will do).
const BEARER: &str = "bearer";
const SESSION_COOKIE: &str = "session_cookie";

/// An error response with our JSON body.
fn error(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build(),
    )
}

/// The shared responses, by component name.
fn shared_responses() -> Vec<(&'static str, Response)> {
    let limit = crate::config::DEFAULT_JSON_BODY_BYTES;
    let authoring = crate::config::DEFAULT_AUTHORING_BODY_BYTES;
    vec![
        (
            BAD_BODY,
            error(
                "The body is not JSON of the documented shape: broken syntax, a missing field, a \
                 wrong type (`bad_request`); or a value breaks a rule (`validation_failed`, the \
                 message names the field)",
            )
            .build(),
        ),
        (
            PAYLOAD_TOO_LARGE,
            error(&format!(
                "The body is larger than the route's limit (`payload_too_large`): {limit} bytes \
                 for JSON bodies, {authoring} bytes on `authoring` routes, unless the server is \
                 configured otherwise"
            ))
            .build(),
        ),
        (
            UNSUPPORTED_MEDIA_TYPE,
            error(
                "The body is not sent as `Content-Type: application/json` \
                 (`unsupported_media_type`)",
            )
            .build(),
        ),
        (
            UNAUTHENTICATED,
            error(
                "No live session: no token, or an unknown, expired or revoked one \
                 (`unauthenticated`)",
            )
            .header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some("`Bearer realm=\"EduPlatform\"`"))
                    .build(),
            )
            .build(),
        ),
        (
            CROSS_SITE,
            error(
                "Refused as cross-site (`csrf`): the request carries the session cookie but not \
                 this site's `Origin` (or `Referer`), or it names another site's `Origin`. \
                 Requests with `Authorization: Bearer` are exempt.",
            )
            .build(),
        ),
        (
            RATE_LIMITED,
            error("Too many attempts (`rate_limited`); try again after `Retry-After` seconds")
                .header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(1)),
                        )
                        .description(Some("Seconds to wait before trying again"))
                        .build(),
                )
                .build(),
        ),
        (
            INTERNAL,
            error(
                "Something failed on the server (`internal`); the cause is logged with the \
                 request's `X-Request-Id`, never sent",
            )
            .build(),
        ),
    ]
}

fn refs(entries: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    entries
        .iter()
        .map(|(status, name)| {
            (
                (*status).to_owned(),
                RefOr::Ref(Ref::from_response_name(*name)),
            )
        })
        .collect()
}

/// The route reads a JSON body: 400 for one it cannot use, 413 over the size limit, 415 for a
/// missing or wrong content type.
pub struct JsonBody;

impl IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs(&[
            ("400", BAD_BODY),
            ("413", PAYLOAD_TOO_LARGE),
            ("415", UNSUPPORTED_MEDIA_TYPE),
        ])
    }
}

/// The route needs a session: 401 without a live one.
pub struct SignedIn;

impl IntoResponses for SignedIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs(&[("401", UNAUTHENTICATED)])
    }
}

/// The route changes state (not GET): `http::csrf` refuses cross-site requests with 403.
pub struct StateChanging;

impl IntoResponses for StateChanging {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs(&[("403", CROSS_SITE)])
    }
}

/// The route counts attempts (`identity::rate_limit`): 429 with `Retry-After`.
pub struct Limited;

impl IntoResponses for Limited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs(&[("429", RATE_LIMITED)])
    }
}

/// Puts the shared responses into `#/components/responses`, and the session's security schemes
/// into `#/components/securitySchemes` (an `ApiDoc` modifier).
pub struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, response) in shared_responses() {
            components
                .responses
                .insert(name.to_owned(), RefOr::T(response));
        }
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `token` of `POST /api/auth/sign-in`: what API and sync clients send",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION_COOKIE,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "edu_session",
                "The cookie `POST /api/auth/sign-in` sets, for the web app (`__Host-edu_session` \
                 when the server is reached over https); state-changing requests with it must \
                 come from this site's pages",
            ))),
        );
    }
}

/// Finishes the document once every route is in: 500 `internal` on every operation (any of them
/// can meet a failure that is ours), and on every `SignedIn` operation its `security`: a bearer
/// token or the session cookie.
pub fn finish(openapi: &mut OpenApi) {
    let unauthenticated = Ref::from_response_name(UNAUTHENTICATED);
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            responses
                .entry("500".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(INTERNAL)));
            if matches!(responses.get("401"), Some(RefOr::Ref(r)) if *r == unauthenticated) {
                operation.security = Some(vec![
                    SecurityRequirement::new(BEARER, Vec::<String>::new()),
                    SecurityRequirement::new(SESSION_COOKIE, Vec::<String>::new()),
                ]);
            }
        }
    }
}
