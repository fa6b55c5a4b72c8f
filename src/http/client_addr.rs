//! Who is asking: a request's client address, through the proxies the operator trusts.
//!
//! Behind a TLS proxy every connection comes from the proxy, so the connection's peer says
//! nothing about the visitor; the proxy names them in `X-Forwarded-For`. That header is written
//! by whoever sent the request, so it is believed only when the peer is a trusted proxy
//! (`web.trusted_proxies`), and only from the right: each trusted hop appends the address it
//! received the request from, so the rightmost address that is not a trusted proxy is the
//! client. Anything left of it was written by the client and may be forged.

use std::{
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::atomic::{AtomicBool, Ordering},
};

use activitypub_federation::config::Data;
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, StatusCode, request::Parts},
};
use ipnet::IpNet;

use crate::state::AppState;

/// Hops of `X-Forwarded-For` looked at, at most: no real chain of proxies is longer.
const MAX_HOPS: usize = 32;

/// The client's address: the peer's, or the one the trusted proxies name. Never fails: a
/// malformed header stops the walk at the last address known to be trustworthy.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.ip().to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }
    // Several headers count as one list, in order; the walk goes from the right end.
    let mut last = peer;
    let mut hops = 0;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(text) = value.to_str() else {
            return last;
        };
        for hop in text.rsplit(',') {
            hops += 1;
            let Some(ip) = parse_hop(hop).filter(|_| hops <= MAX_HOPS) else {
                return last;
            };
            if !is_trusted(ip, trusted) {
                return ip;
            }
            last = ip;
        }
    }
    last
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// `203.0.113.7`, `2001:db8::1`, and the forms with a port some proxies write
/// (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The key a per-client limit counts under: the address itself for IPv4, its /64 network for
/// IPv6 (one subscriber usually holds a whole /64, so single IPv6 addresses cost nothing to vary).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// The request's client address (see [`client_ip`]), as an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The key per-client limits count under (see [`limit_key`]).
    pub fn limit_key(&self) -> IpAddr {
        limit_key(self.0)
    }
}

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

static UNTRUSTED_HEADER_NOTED: AtomicBool = AtomicBool::new(false);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>().copied()
        else {
            return Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server was started without connection info",
            ));
        };
        let data = Data::<AppState>::from_request_parts(parts, state).await?;
        let trusted = &data.settings.web.trusted_proxies;
        if trusted.is_empty()
            && parts.headers.contains_key("x-forwarded-for")
            && !UNTRUSTED_HEADER_NOTED.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                %peer,
                "ignoring X-Forwarded-For: no trusted proxies are set, so every client behind a \
                 proxy shares its address; set BROADSHEET_TRUSTED_PROXIES to the proxy's address"
            );
        }
        Ok(ClientIp(client_ip(peer, &parts.headers, trusted)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn peer(text: &str) -> SocketAddr {
        SocketAddr::new(ip(text), 40000)
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let headers = forwarded(&["198.51.100.2"]);
        assert_eq!(
            client_ip(peer("203.0.113.7"), &headers, &[]),
            ip("203.0.113.7")
        );
        let trusted = nets(&["127.0.0.1/32"]);
        assert_eq!(
            client_ip(peer("203.0.113.7"), &headers, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let trusted = nets(&["127.0.0.1/32"]);
        let headers = forwarded(&["198.51.100.2"]);
        assert_eq!(
            client_ip(peer("127.0.0.1"), &headers, &trusted),
            ip("198.51.100.2")
        );
        // Without the header, the proxy itself is all we know.
        assert_eq!(
            client_ip(peer("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn forged_entries_left_of_the_client_are_ignored() {
        let trusted = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        // The client sent "1.1.1.1" itself; our proxies appended 198.51.100.2 and 10.0.0.5.
        let headers = forwarded(&["1.1.1.1, 198.51.100.2, 10.0.0.5"]);
        assert_eq!(
            client_ip(peer("127.0.0.1"), &headers, &trusted),
            ip("198.51.100.2")
        );
        // The same list split over several headers.
        let headers = forwarded(&["1.1.1.1", "198.51.100.2,10.0.0.5"]);
        assert_eq!(
            client_ip(peer("127.0.0.1"), &headers, &trusted),
            ip("198.51.100.2")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_ends_at_the_last_trusted_hop() {
        let trusted = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        let headers = forwarded(&["10.0.0.9, 10.0.0.5"]);
        assert_eq!(
            client_ip(peer("127.0.0.1"), &headers, &trusted),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn malformed_entries_stop_the_walk_at_the_last_trusted_hop() {
        let trusted = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        for (value, expected) in [
            ("198.51.100.2, unknown", "127.0.0.1"),
            ("198.51.100.2, not an address, 10.0.0.5", "10.0.0.5"),
            ("198.51.100.2,,10.0.0.5", "10.0.0.5"),
            ("", "127.0.0.1"),
            ("198.51.100.2, 10.0.0.5, 999.1.1.1", "127.0.0.1"),
        ] {
            let got = client_ip(peer("127.0.0.1"), &forwarded(&[value]), &trusted);
            assert_eq!(got, ip(expected), "{value:?}");
        }
        // A header that is not text at all.
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"198.51.100.2, \xff").unwrap(),
        );
        assert_eq!(
            client_ip(peer("127.0.0.1"), &headers, &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ports_ipv6_and_mapped_addresses_are_understood() {
        let trusted = nets(&["127.0.0.1/32", "::1/128"]);
        let headers = forwarded(&["198.51.100.2:4711"]);
        assert_eq!(
            client_ip(peer("::ffff:127.0.0.1"), &headers, &trusted),
            ip("198.51.100.2")
        );
        let headers = forwarded(&["[2001:db8::7]:4711"]);
        assert_eq!(
            client_ip(peer("::1"), &headers, &trusted),
            ip("2001:db8::7")
        );
        let headers = forwarded(&["2001:db8::7, ::ffff:203.0.113.9"]);
        assert_eq!(
            client_ip(peer("::1"), &headers, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn very_long_chains_are_cut_short() {
        let trusted = nets(&["10.0.0.0/8"]);
        let long = vec!["10.0.0.1"; 10_000].join(",");
        let headers = forwarded(&[&format!("198.51.100.2,{long}")]);
        assert_eq!(
            client_ip(peer("10.0.0.2"), &headers, &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("::ffff:203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(limit_key(ip("203.0.113.9")), ip("203.0.113.9"));
    }
}
