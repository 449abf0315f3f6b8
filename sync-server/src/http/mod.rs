//! The HTTP surface: builds the one `Router` from the resource modules and wraps it in the layers
//! every request passes (request id, tracing span, security headers, metrics, compression, CSRF,
//! one retry of a read that met a broken database connection),
//! the body limit of each group of routes, and the separate metrics router served on
//! `EDU_METRICS_BIND`.
//!
//! Owns routing and cross-cutting HTTP concerns only. Handlers stay thin (extract → call a domain
//! function → respond); rules and SQL live in the domain modules (`catalog`, ...).

mod auth;
mod authoring;
mod body_limit;
mod categories;
pub mod client;
mod conditional;
pub mod connections;
mod content;
mod course_import;
mod courses;
mod csrf;
mod decks;
mod dev;
mod discussions;
mod enrollments;
pub mod extract;
mod health;
mod me;
mod media;
mod metrics;
mod motivation;
mod notifications;
mod quiz_drafts;
mod quizzes;
mod reminders;
mod responses;
mod retry;
mod reviews;
mod search;
mod security_headers;
mod sync;
mod teaching;
mod tutor;

use std::sync::Arc;

use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::routing::get;
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::catalog::cache::CatalogCache;
use crate::config::{BodyLimits, Config};
use crate::content::media::MediaStore;
use crate::db::Db;
use crate::error::Error;
use crate::identity::Accounts;
use crate::metrics::Metrics;
use responses::SharedResponses;

/// What every handler can reach: one shared `AppStateInner`, so a clone (every middleware
/// layer and handler that takes `State` makes one per request) is one atomic increment, not one
/// per shared field: the profile of a cached page showed a field-by-field clone and drop at a
/// tenth of the server's time, its atomics bouncing between the cores.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// The fields of `AppState`.
pub struct AppStateInner {
    pub db: Db,
    pub metrics: Arc<Metrics>,
    /// The configuration the app started with, parsed once (public URL, static dir, dev mode, ...).
    pub config: Arc<Config>,
    /// Accounts, sessions and roles.
    pub accounts: Accounts,
    /// The built web client, loaded into memory at start.
    pub client: Arc<client::ClientFiles>,
    /// Public catalog bodies of the current catalog generation (list, course pages, ...).
    pub catalog_cache: CatalogCache,
    /// Where uploaded images are kept (`EDU_MEDIA_DIR` today; any `MediaStore` tomorrow).
    pub media: Arc<dyn MediaStore>,
    /// Learner documents loaded by this process, as of the version they were read at.
    pub sync_docs: crate::sync::DocCache,
    /// The AI service: provider routing, budgets, cache, usage (`EDU_AI_*`).
    pub ai: Arc<crate::ai::Ai>,
    /// Signs and checks the one-click unsubscribe links of reminder mail.
    pub unsubscribe_key: crate::srs::reminders::UnsubscribeKey,
    /// The Socratic tutor (its replies go through `ai`).
    pub tutor: Arc<crate::tutor::Tutor>,
}

impl AppState {
    pub fn new(
        db: Db,
        config: &Config,
        accounts: Accounts,
        client: Arc<client::ClientFiles>,
        media: Arc<dyn MediaStore>,
        unsubscribe_key: crate::srs::reminders::UnsubscribeKey,
    ) -> Result<Self, crate::ai::provider::ProviderError> {
        let metrics = Arc::new(Metrics::new());
        let ai = Arc::new(crate::ai::Ai::new(
            db.clone(),
            &config.ai,
            metrics.ai.clone(),
        )?);
        Ok(Self(Arc::new(AppStateInner {
            tutor: Arc::new(crate::tutor::Tutor::new(db.clone(), ai.clone())),
            ai,
            db,
            metrics,
            config: Arc::new(config.clone()),
            accounts,
            client,
            catalog_cache: CatalogCache::default(),
            media,
            sync_docs: crate::sync::DocCache::default(),
            unsubscribe_key,
        })))
    }
}

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Makes the id of a request that came without one: a UUID (version 4 in form) of a random
/// prefix drawn once per process and a counter, unique across processes and never repeated in
/// one. Request ids only need to be unique: drawing 128 random bits per request cost a
/// `getrandom` system call each.
#[derive(Clone)]
struct RequestIds {
    prefix: u64,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        Self {
            prefix: uuid::Uuid::new_v4().as_u64_pair().0,
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut bytes = [0_u8; 16];
        bytes[..8].copy_from_slice(&self.prefix.to_be_bytes());
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let mut text = [0_u8; uuid::fmt::Hyphenated::LENGTH];
        let text = id.hyphenated().encode_lower(&mut text);
        HeaderValue::from_str(text).ok().map(RequestId::new)
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "EduPlatform API",
        description = "Catalog, accounts and learner-document sync of EduPlatform. Errors are \
                       `{\"error\": {\"code\", \"message\"}}` with a matching status. Any \
                       request whose body is over its route's size limit (64 KiB for JSON by default, 1 MiB on authoring routes) is refused with 413, and a \
                       method a path does not offer with 405 (with `Allow`). \
                       Any request may be answered 503 `unavailable` with `Retry-After` while \
                       the database is unreachable; reads are retried once by the server first, \
                       writes never (they may have landed)."
    ),
    tags(
        (name = "catalog", description = "Courses anyone can browse, and the lessons of \
                                          courses one is enrolled in"),
        (name = "learning", description = "Enrolling in courses and the signed-in user's \
                                           courses (\"My learning\")"),
        (name = "reviews", description = "Course reviews by enrolled learners and the \
                                          teacher's replies"),
        (name = "accounts", description = "Registration, sign-in, sessions and the signed-in \
                                            user's own account. Signed-in routes take the \
                                            `edu_session` cookie (`__Host-edu_session` when \
                                            served over https) or `Authorization: Bearer`."),
        (name = "discussions", description = "Lesson discussions: threads and one level of \
                                               replies by enrolled learners and the course's \
                                               teacher, moderated by the teacher and admins, \
                                               with reports and a per-user rate limit"),
        (name = "teaching", description = "Applying to teach"),
        (name = "media", description = "Images of courses and lessons: uploaded by teachers, \
                                         served to anyone under the hash of their bytes"),
        (name = "authoring", description = "Writing courses: a teacher's own courses, any course \
                                             for an admin. Bodies may carry a whole lesson here."),
        (name = "ai", description = "AI help for teachers: quiz question drafts made by a \
                                     language model, or by the built-in offline provider when \
                                     none is configured"),
        (name = "tutor", description = "The Socratic tutor beside every lesson: a learner's \
                                        conversations, replies streamed as server-sent events \
                                        (grounded in the course, never giving quiz answers away), \
                                        ratings, and what the course's teacher learns from them"),
        (name = "admin", description = "Administration: deciding teacher applications, managing \
                                         categories"),
        (name = "sync", description = "Learner documents (Automerge): the standard sync \
                                       protocol, one binary message per request"),
        (name = "notifications", description = "The signed-in user's in-app notifications (the bell)"),
        (name = "reminders", description = "\"Cards are due\" and \"streak at risk\" reminders: \
                                             the one-click unsubscribe link of their mail (the \
                                             settings are in PATCH /api/me)"),
        (name = "motivation", description = "XP, daily streaks and badges from the server's \
                                              projections, and the opt-in weekly course \
                                              leaderboards"),
        (name = "operations", description = "Health and readiness (metrics are served on \
                                              EDU_METRICS_BIND only)"),
        (name = "development", description = "Only with EDU_DEV_MODE=true; 404 otherwise")
    ),
    components(schemas(
        shared::api::ErrorBody,
        shared::api::courses::CourseSort,
        shared::api::courses::PriceFilter,
        shared::api::courses::CourseLanguage,
        shared::api::courses::CourseLevel
    )),
    modifiers(&SharedResponses)
)]
struct ApiDoc;

/// The API routes with their OpenAPI description, each group of routes bounded by its body limit.
/// Groups are bounded before they are merged, so one path may hold methods of two groups
/// (`GET /api/courses` is the catalog's, `POST` authoring's).
fn api(limits: BodyLimits, media_limit: usize) -> OpenApiRouter<AppState> {
    let json = OpenApiRouter::new()
        .merge(courses::router())
        .merge(categories::router())
        .merge(enrollments::router())
        .merge(reviews::router())
        .merge(discussions::router())
        .merge(search::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(teaching::router())
        .merge(notifications::router())
        .merge(reminders::router())
        .merge(motivation::router())
        .merge(tutor::router())
        .merge(dev::router())
        .merge(health::router());
    // JSON that carries a lesson's Markdown: the editor's saves and its preview.
    let content = authoring::router()
        .merge(quizzes::router())
        .merge(decks::router())
        .merge(content::router())
        .merge(quiz_drafts::router());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(body_limit::limit_group(json, limits.json))
        .merge(body_limit::limit_group(content, limits.content))
        .merge(body_limit::limit_group(media::router(), media_limit))
        .merge(body_limit::limit_group(
            course_import::router(),
            limits.import,
        ))
        .merge(body_limit::limit_group(
            sync::router(),
            shared::validate::SYNC_MESSAGE_MAX_BYTES,
        ))
}

/// The API's routes and their finished OpenAPI document.
fn api_parts(
    limits: BodyLimits,
    media_limit: usize,
) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut openapi) = api(limits, media_limit).split_for_parts();
    responses::finish(&mut openapi);
    (routes, openapi)
}

/// The OpenAPI document of this server's API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    // Limits shape the routes, not the document.
    api_parts(BodyLimits::default(), 0).1
}

/// The whole app: API routes, the client's files for everything else, and the common layers.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api_parts(state.config.limits.body, state.config.media.max_bytes);
    let openapi = Arc::new(openapi);
    let api = api.method_not_allowed_fallback(method_not_allowed);

    let routes = api
        .route(
            "/api/openapi.json",
            get(move || async move {
                // Public and the same for everyone: caches may keep it if they revalidate.
                (
                    [(CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
                    axum::Json(openapi.as_ref().clone()),
                )
            }),
        )
        // Metrics tell request counts per route: only on their own listener (EDU_METRICS_BIND).
        .route(
            "/metrics",
            axum::routing::any(|| async {
                Error::NotFound("metrics are not served on this address".into())
            }),
        )
        // Unknown API paths answer with a JSON error, never with the client's index.html.
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .merge(dev::page_router())
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn(metrics::remember_route))
        .fallback(client::serve);

    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(
            REQUEST_ID_HEADER.clone(),
            RequestIds::new(),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let request_id = req
                        .headers()
                        .get(&REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id,
                        method = %req.method(),
                        path = %req.uri().path(),
                        // Filled in by the `CurrentUser` extractor once the session is known.
                        user_id = tracing::field::Empty,
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER.clone()))
        .layer(middleware::from_fn_with_state(
            header_policy(&state),
            security_headers::apply,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), csrf::guard))
        // Innermost, so a retried read passes the outer layers (request id, metrics) once.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            retry::retry_reads,
        ));

    routes.layer(layers).with_state(state)
}

/// The router of the metrics listener (`EDU_METRICS_BIND`): `GET /metrics` and JSON 404s.
/// Scrapes are not counted as requests.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::metrics))
        .fallback(|| async { Error::NotFound("only /metrics is served here".into()) })
        .layer(middleware::from_fn_with_state(
            header_policy(&state),
            security_headers::apply,
        ))
        .with_state(state)
}

fn header_policy(state: &AppState) -> security_headers::SecurityHeaders {
    security_headers::SecurityHeaders {
        https: state.config.http.secure_cookies(),
    }
}

async fn method_not_allowed() -> Error {
    Error::MethodNotAllowed
}

async fn api_not_found() -> Error {
    Error::NotFound("no such API route".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_request_ids_are_uuids_never_repeated() {
        let request = Request::new(());
        let mut ids = RequestIds::new();
        let mut other_process = RequestIds::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1_000 {
            for maker in [&mut ids, &mut other_process] {
                let id = maker.make_request_id(&request).unwrap();
                let text = id.header_value().to_str().unwrap().to_owned();
                let parsed = uuid::Uuid::parse_str(&text).unwrap();
                assert_eq!(parsed.get_version_num(), 4, "{text}");
                assert!(seen.insert(text), "repeated");
            }
        }
        let mut clone = ids.clone();
        let a = ids.make_request_id(&request).unwrap();
        let b = clone.make_request_id(&request).unwrap();
        assert_ne!(
            a.header_value(),
            b.header_value(),
            "clones share the counter"
        );
    }
}
