//! The HTTP surface: builds the one `Router` from the resource modules and wraps it in the layers
//! every request passes (request id, tracing span, security headers, metrics, compression, CSRF),
//! the body limit of each group of routes, and the separate metrics router served on
//! `EDU_METRICS_BIND`.
//!
//! Owns routing and cross-cutting HTTP concerns only. Handlers stay thin (extract → call a domain
//! function → respond); rules and SQL live in the domain modules (`catalog`, ...).

mod auth;
mod body_limit;
pub mod client;
mod conditional;
mod courses;
mod csrf;
mod dev;
mod enrollments;
pub mod extract;
mod health;
mod me;
mod metrics;
mod notifications;
mod responses;
mod reviews;
mod security_headers;
mod search;
mod teaching;

use std::sync::Arc;

use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::routing::get;
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::catalog::cache::CatalogCache;
use crate::config::Config;
use crate::db::Db;
use crate::error::Error;
use crate::identity::Accounts;
use crate::metrics::Metrics;
use responses::SharedResponses;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
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
}

impl AppState {
    pub fn new(
        db: Db,
        config: &Config,
        accounts: Accounts,
        client: Arc<client::ClientFiles>,
    ) -> Self {
        Self {
            db,
            metrics: Arc::new(Metrics::new()),
            config: Arc::new(config.clone()),
            accounts,
            client,
            catalog_cache: CatalogCache::default(),
        }
    }
}

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "EduPlatform API",
        description = "Catalog, accounts and learner-document sync of EduPlatform. Errors are \
                       `{\"error\": {\"code\", \"message\"}}` with a matching status. Any \
                       request whose body is over its route's size limit (64 KiB for JSON by default) is refused with 413, and a \
                       method a path does not offer with 405 (with `Allow`)."
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
        (name = "teaching", description = "Applying to teach"),
        (name = "admin", description = "Administration: deciding teacher applications"),
        (name = "notifications", description = "The signed-in user's in-app notifications (the bell)"),
        (name = "operations", description = "Health and readiness (metrics are served on \
                                              EDU_METRICS_BIND only)"),
        (name = "development", description = "Only with EDU_DEV_MODE=true; 404 otherwise")
    ),
    components(schemas(shared::api::ErrorBody)),
    modifiers(&SharedResponses)
)]
struct ApiDoc;

/// The API routes with their OpenAPI description.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(courses::router())
        .merge(enrollments::router())
        .merge(reviews::router())
        .merge(search::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(teaching::router())
        .merge(notifications::router())
        .merge(dev::router())
        .merge(health::router())
}

/// The API's routes and their finished OpenAPI document.
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut openapi) = api().split_for_parts();
    responses::finish(&mut openapi);
    (routes, openapi)
}

/// The OpenAPI document of this server's API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_parts().1
}

/// The whole app: API routes, the client's files for everything else, and the common layers.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api_parts();
    let openapi = Arc::new(openapi);
    // The JSON API's bodies are small; its 405s are answered after the limit too.
    let api = body_limit::limit_bodies(
        api.method_not_allowed_fallback(method_not_allowed),
        state.config.limits.body.json,
    );

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
            MakeRequestUuid,
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
        .layer(middleware::from_fn_with_state(state.clone(), csrf::guard));

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
