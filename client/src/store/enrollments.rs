//! The courses the user is enrolled in, as the server last listed them (object store
//! `enrollments` of the user's database), so "My learning" and the sync loop know them offline.

use shared::api::courses::EnrolledCourse;

use super::database::{Store, ENROLLMENTS};
use crate::error::ClientError;

/// The key the list is kept under.
const MINE: &str = "mine";

/// The list kept earlier, if any.
pub async fn saved(store: &Store) -> Option<Vec<EnrolledCourse>> {
    store.get(ENROLLMENTS, MINE).await.ok().flatten()
}

/// Network first (`Store::network_first`): the list `fetched` from the server, kept; or, when the
/// server could not be reached, the list kept earlier.
pub async fn network_first(
    store: &Store,
    fetched: Result<Vec<EnrolledCourse>, ClientError>,
) -> Result<Vec<EnrolledCourse>, ClientError> {
    store.network_first(ENROLLMENTS, MINE, fetched).await
}
