//! Request and response types of the HTTP API, one module per resource.

pub mod accounts;
pub mod courses;
pub mod error;
pub mod notifications;
pub mod teaching;
pub mod time;

pub use error::{ErrorBody, ErrorDetail};
pub use time::Timestamp;

/// One page of a cursor-paginated list.
///
/// `next_cursor` is opaque: pass it back as `?cursor=` to get the following page;
/// it is `None` on the last page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
