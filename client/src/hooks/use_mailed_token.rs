//! The token of a mailed link (`?token=`), read once on arrival and taken out of the address bar.

use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The `?token=` of a mailed link (verify-email's and reset-password's), read once on arrival. The
/// address bar then loses it (the same route, replaced in history), so the token does not stay in
/// the history, in screenshots or in a `Referer`.
#[hook]
pub fn use_mailed_token() -> Option<String> {
    let location = use_location();
    let from_url = location
        .as_ref()
        .and_then(|l| l.query::<TokenQuery>().ok())
        .and_then(|q| q.token)
        .filter(|t| !t.trim().is_empty());
    let has_query = location.is_some_and(|l| !l.query_str().is_empty());
    // The first render's value, kept after the query is gone.
    let token = use_state(move || from_url);
    let navigator = use_navigator();
    let route = use_route::<Route>();
    use_effect_with(has_query, move |has_query| {
        if let (true, Some(navigator), Some(route)) = (*has_query, navigator, route) {
            navigator.replace(&route);
        }
    });
    (*token).clone()
}
