//! The course catalog kept on the device, so it opens offline: the one owner of offline course
//! data (the service worker keeps only the app shell).

use shared::api::courses::CoursePage;

use super::database::{Store, CATALOG};
use crate::error::ClientError;

fn key(cursor: Option<&str>) -> &str {
    cursor.unwrap_or_default()
}

/// The page `cursor` asked for when it was last fetched.
pub async fn saved_page(store: &Store, cursor: Option<&str>) -> Option<CoursePage> {
    store.get(CATALOG, key(cursor)).await.ok().flatten()
}

/// Network first: a page `fetched` from the server is kept and returned; when the server could
/// not be reached (offline, or no answer), the copy kept earlier stands in for it. Any other
/// failure is returned as it is. Without a database (it failed to open) only the network counts.
pub async fn network_first(
    store: Option<&Store>,
    cursor: Option<&str>,
    fetched: Result<CoursePage, ClientError>,
) -> Result<CoursePage, ClientError> {
    match store {
        Some(store) => store.network_first(CATALOG, key(cursor), fetched).await,
        None => fetched,
    }
}
