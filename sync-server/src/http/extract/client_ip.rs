//! The client's address and user agent (`identity::Client`): the TCP peer, or the address a
//! trusted proxy (`EDU_TRUSTED_PROXIES`) saw, from `X-Forwarded-For`.
//!
//! Owns reading the address off a request; never believes a header from an untrusted peer.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

use crate::error::Error;
use crate::http::AppState;
use crate::identity::Client;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

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

    use super::super::test_headers as headers;

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
