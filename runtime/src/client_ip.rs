//! The client's IP address, by one rule for HTTP requests and socket requests alike: the peer
//! address, or — only when the server trusts a proxy in front of it — the address the proxy
//! says it forwarded for.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderMap, StatusCode};

/// The client's IP address: an extractor for HTTP and socket requests alike.
///
/// Without [`ServerBuilder::trust_proxy`](crate::ServerBuilder::trust_proxy) it is the peer
/// address of the connection (for a socket request, of the socket's handshake), and no header
/// can change it. With it, it is the first address of the `Forwarded` header's `for=`
/// (RFC 7239), or else the first of `X-Forwarded-For`, as the proxy wrote them — for a socket
/// request, those of the handshake, never of the virtual request, whose headers the client
/// writes itself. An address that does not parse falls back to the peer's.
///
/// ```
/// use sailroute::ClientIp;
///
/// #[sailroute::get("/ip")]
/// async fn ip(ClientIp(ip): ClientIp) -> String {
///     ip.to_string()
/// }
/// # let _app: axum::Router = sailroute::routes![ip];
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// In a request's extensions when the server trusts a proxy's forwarded headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrustProxy;

/// The rejection when no peer address is known (a server embedded with
/// [`Server::into_service`](crate::Server::into_service) without `ConnectInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the client's address is unknown: serve with `Server::serve`, or insert `ConnectInfo<SocketAddr>` into each request when embedding the service"
)]
pub struct UnknownClientIp;

impl IntoResponse for UnknownClientIp {
    fn into_response(self) -> Response {
        crate::wire::error_response(StatusCode::INTERNAL_SERVER_ERROR, self.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = UnknownClientIp;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // A socket request carries the address computed from its handshake.
        if let Some(ip) = parts.extensions.get::<ClientIp>() {
            return Ok(*ip);
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let trust = parts.extensions.get::<TrustProxy>().is_some();
        client_ip(&parts.headers, peer, trust)
            .map(ClientIp)
            .ok_or(UnknownClientIp)
    }
}

/// The rule: the forwarded-for address when the proxy is trusted and it parses, else the peer.
pub(crate) fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust: bool,
) -> Option<IpAddr> {
    if trust && let Some(ip) = forwarded_for(headers) {
        return Some(ip);
    }
    peer.map(|p| p.ip())
}

/// The first `for=` of `Forwarded`, else the first `X-Forwarded-For` entry.
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    if let Some(forwarded) = headers.get("forwarded").and_then(|v| v.to_str().ok()) {
        let first = forwarded.split(',').next().unwrap_or_default();
        let node = first.split(';').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim().eq_ignore_ascii_case("for").then(|| value.trim())
        });
        if let Some(node) = node {
            return parse_node(node.trim_matches('"'));
        }
    }
    let first = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())?
        .split(',')
        .next()?
        .trim();
    parse_node(first)
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|ip| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn forwarded_headers_count_only_when_the_proxy_is_trusted() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let xff = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.2")]);
        assert_eq!(client_ip(&xff, Some(peer), false), Some(peer.ip()));
        assert_eq!(
            client_ip(&xff, Some(peer), true),
            "203.0.113.7".parse().ok()
        );
        let both = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.2",
            ),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(
            client_ip(&both, Some(peer), true),
            "2001:db8::17".parse().ok()
        );
        for bad in ["unknown", "_hidden", "", "999.1.1.1"] {
            let garbage = headers(&[("x-forwarded-for", bad)]);
            assert_eq!(
                client_ip(&garbage, Some(peer), true),
                Some(peer.ip()),
                "{bad}"
            );
        }
        assert_eq!(client_ip(&HeaderMap::new(), None, true), None);
        assert_eq!(
            client_ip(&headers(&[("x-forwarded-for", "192.0.2.9:80")]), None, true),
            "192.0.2.9".parse().ok()
        );
    }
}
