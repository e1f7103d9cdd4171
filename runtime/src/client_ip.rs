//! The client's IP address, by one rule for HTTP requests and socket requests alike: the peer
//! address, or — only for the proxies the server trusts — the address the nearest untrusted
//! hop is said to be, walking the forwarded chain from the server outwards as Express'
//! `trust proxy` does (its `proxy-addr`).
//!
//! Walking from the right matters: nginx, ALB and Cloudflare *append* the peer they saw to
//! `X-Forwarded-For`, so its left-most entries are whatever the client claimed, and they pass a
//! client's own `Forwarded` header through untouched. Only the entries the trusted proxies
//! wrote can be believed (issue 23, point 3).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use ipnet::IpNet;

/// The client's IP address: an extractor for HTTP and socket requests alike.
///
/// Without [`ServerBuilder::trust_proxy`](crate::ServerBuilder::trust_proxy) it is the peer
/// address of the connection (for a socket request, of the socket's handshake), and no header
/// can change it. With it, it is the address the trusted proxies say they forwarded for, read
/// from the right of `X-Forwarded-For` (or of `Forwarded`, when told the proxy writes that) as
/// [`TrustProxy`] describes — for a socket request, from the handshake's headers, never from
/// the virtual request's, whose headers the client writes itself. An address that does not
/// parse falls back to the peer's.
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

/// Which proxies in front of the server are believed about the client's address and scheme,
/// given to [`ServerBuilder::trust_proxy`](crate::ServerBuilder::trust_proxy). Express'
/// `trust proxy` setting, in Rust.
///
/// The server lists the addresses a request passed through, nearest first: the peer, then
/// the entries of `X-Forwarded-For` from right to left. It skips the ones it trusts and takes
/// the first it does not; if it trusts them all, the left-most. So:
///
/// * [`TrustProxy::hops(1)`](Self::hops) (what `trust_proxy(true)` means): one proxy in front,
///   which appends the address it saw. The client is the right-most entry.
/// * `hops(2)`: a CDN in front of a load balancer; the client is the second entry from the right.
/// * [`TrustProxy::subnets`]: every hop inside these networks is a proxy of yours, however
///   many there are.
/// * [`forwarded_header`](Self::forwarded_header): read RFC 7239 `Forwarded: for=…;proto=…`
///   instead of `X-Forwarded-For` / `X-Forwarded-Proto`, for proxies that write it. Never both:
///   a header the proxies do not write is the client's to forge.
///
/// ```
/// use sailroute::TrustProxy;
///
/// # fn builder(app: axum::Router) -> Result<sailroute::ServerBuilder, sailroute::InvalidSubnet> {
/// // Behind one reverse proxy (nginx, an ALB):
/// let one = sailroute::Server::builder(app.clone()).trust_proxy(true);
/// // Behind a CDN and a load balancer:
/// let two = sailroute::Server::builder(app.clone()).trust_proxy(2);
/// // Behind proxies on private networks, however many:
/// let nets = sailroute::Server::builder(app)
///     .trust_proxy(TrustProxy::subnets(["loopback", "uniquelocal", "203.0.113.0/24"])?);
/// # Ok(nets)
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustProxy {
    trusted: Trusted,
    rfc7239: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Trusted {
    /// The peer is the client; no header counts.
    #[default]
    Nobody,
    /// The nearest `n` hops (the peer first) are proxies.
    Hops(u32),
    /// Every hop in one of these networks is a proxy.
    Subnets(Arc<[IpNet]>),
}

/// A network given to [`TrustProxy::subnets`] that is neither a CIDR block, an address nor one
/// of the names `loopback`, `linklocal` and `uniquelocal`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "trust_proxy: {0:?} is not a network; write a CIDR block (\"10.0.0.0/8\"), an address (\"192.0.2.1\") or one of \"loopback\", \"linklocal\", \"uniquelocal\""
)]
pub struct InvalidSubnet(pub String);

impl TrustProxy {
    /// Trusts no proxy: the client is the peer (the default).
    pub fn none() -> Self {
        TrustProxy::default()
    }

    /// Trusts the nearest `hops` hops, the peer first (Express' `trust proxy: n`). `0` is
    /// [`none`](Self::none).
    pub fn hops(hops: u32) -> Self {
        TrustProxy {
            trusted: if hops == 0 {
                Trusted::Nobody
            } else {
                Trusted::Hops(hops)
            },
            rfc7239: false,
        }
    }

    /// Trusts every hop whose address is in one of `networks`: CIDR blocks (`10.0.0.0/8`,
    /// `fd00::/8`), single addresses, or Express' names `loopback` (127.0.0.0/8, ::1),
    /// `linklocal` (169.254.0.0/16, fe80::/10) and `uniquelocal` (10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16, fc00::/7).
    ///
    /// # Errors
    ///
    /// [`InvalidSubnet`] naming the first entry that is none of these.
    pub fn subnets<I, S>(networks: I) -> Result<Self, InvalidSubnet>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut nets = Vec::new();
        for network in networks {
            let network = network.as_ref().trim();
            let named: &[&str] = match network {
                "loopback" => &["127.0.0.0/8", "::1/128"],
                "linklocal" => &["169.254.0.0/16", "fe80::/10"],
                "uniquelocal" => &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
                _ => &[],
            };
            if !named.is_empty() {
                nets.extend(named.iter().filter_map(|net| net.parse::<IpNet>().ok()));
                continue;
            }
            let net = network
                .parse::<IpNet>()
                .or_else(|_| network.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| InvalidSubnet(network.to_owned()))?;
            nets.push(net);
        }
        Ok(TrustProxy {
            trusted: Trusted::Subnets(nets.into()),
            rfc7239: false,
        })
    }

    /// Reads the RFC 7239 `Forwarded` header (`for=`, `proto=`) instead of `X-Forwarded-For`
    /// and `X-Forwarded-Proto`: only for proxies that write (or overwrite) it.
    pub fn forwarded_header(mut self) -> Self {
        self.rfc7239 = true;
        self
    }

    /// Whether any header counts at all.
    pub(crate) fn is_on(&self) -> bool {
        self.trusted != Trusted::Nobody
    }

    fn trusts(&self, hop: IpAddr, index: usize) -> bool {
        match &self.trusted {
            Trusted::Nobody => false,
            Trusted::Hops(hops) => index < *hops as usize,
            Trusted::Subnets(nets) => nets.iter().any(|net| net.contains(&canonical(hop))),
        }
    }

    /// The client's address: the first hop, from the peer outwards, that is not trusted.
    pub(crate) fn client_ip(
        &self,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Option<IpAddr> {
        let peer = peer.map(|p| p.ip());
        if !self.is_on() {
            return peer;
        }
        self.walk(headers, peer?).map(|(ip, _)| ip).or(peer)
    }

    /// The scheme the client used (`http` or `https`), when a trusted proxy says so: the
    /// `proto=` of the client's `Forwarded` element, or the first `X-Forwarded-Proto` value
    /// (as Express reads it).
    pub(crate) fn scheme(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<String> {
        let peer = peer?.ip();
        if !self.trusts(peer, 0) {
            return None;
        }
        let proto = if self.rfc7239 {
            self.walk(headers, peer)?.1?
        } else {
            joined(headers, "x-forwarded-proto").next()?.to_owned()
        };
        let proto = proto.to_ascii_lowercase();
        matches!(proto.as_str(), "http" | "https").then_some(proto)
    }

    /// Walks the hops from the peer outwards; returns the client's address and, with
    /// `Forwarded`, the `proto=` of its element. `None` when the chosen entry is no address.
    fn walk(&self, headers: &HeaderMap, peer: IpAddr) -> Option<(IpAddr, Option<String>)> {
        // Nearest first: the peer, then the header's entries from right to left.
        let entries: Vec<(Option<IpAddr>, Option<String>)> = if self.rfc7239 {
            joined(headers, "forwarded")
                .map(|element| {
                    let mut ip = None;
                    let mut proto = None;
                    for pair in element.split(';') {
                        let Some((key, value)) = pair.split_once('=') else {
                            continue;
                        };
                        let value = value.trim().trim_matches('"');
                        match key.trim().to_ascii_lowercase().as_str() {
                            "for" => ip = parse_node(value),
                            "proto" => proto = Some(value.to_owned()),
                            _ => {}
                        }
                    }
                    (ip, proto)
                })
                .collect()
        } else {
            joined(headers, "x-forwarded-for")
                .map(|entry| (parse_node(entry), None))
                .collect()
        };
        let mut current = (peer, None);
        for (index, (ip, proto)) in entries.into_iter().rev().enumerate() {
            if !self.trusts(current.0, index) {
                break;
            }
            // An entry that is no address can be neither trusted nor the client.
            current = (ip?, proto);
        }
        Some(current)
    }
}

impl From<bool> for TrustProxy {
    /// `false`: trust nobody; `true`: trust one proxy ([`TrustProxy::hops(1)`](TrustProxy::hops)).
    fn from(trust: bool) -> Self {
        TrustProxy::hops(u32::from(trust))
    }
}

impl From<u32> for TrustProxy {
    /// [`TrustProxy::hops`].
    fn from(hops: u32) -> Self {
        TrustProxy::hops(hops)
    }
}

/// The comma-separated entries of every `name` header, in order, trimmed.
fn joined<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is, so `127.0.0.0/8` matches `::ffff:127.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

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
        let ip = match parts.extensions.get::<TrustProxy>() {
            Some(trust) => trust.client_ip(&parts.headers, peer),
            None => peer.map(|p| p.ip()),
        };
        ip.map(ClientIp).ok_or(UnknownClientIp)
    }
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

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    const PEER: &str = "10.0.0.1:5000";

    fn peer() -> Option<SocketAddr> {
        PEER.parse().ok()
    }

    #[test]
    fn without_trust_no_header_counts() {
        let xff = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.2")]);
        assert_eq!(TrustProxy::none().client_ip(&xff, peer()), ip("10.0.0.1"));
        assert_eq!(
            TrustProxy::from(false).client_ip(&xff, peer()),
            ip("10.0.0.1")
        );
        assert_eq!(
            TrustProxy::none().scheme(&headers(&[("x-forwarded-proto", "https")]), peer()),
            None
        );
    }

    /// Issue 23, point 3: an appending proxy leaves the client's own claims on the left, and a
    /// client's `Forwarded` header passes through; neither may choose the address.
    #[test]
    fn hops_count_from_the_right_and_forwarded_is_ignored_unless_asked() {
        // The client sent `X-Forwarded-For: 6.6.6.6` and `Forwarded: for=6.6.6.6`; the proxy
        // appended the address it saw, 203.0.113.9.
        let spoofed = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.9"),
            ("forwarded", "for=6.6.6.6"),
        ]);
        let one = TrustProxy::from(true);
        assert_eq!(one.client_ip(&spoofed, peer()), ip("203.0.113.9"));
        assert_eq!(
            TrustProxy::hops(2).client_ip(&spoofed, peer()),
            ip("6.6.6.6")
        );
        // Fewer entries than hops: the left-most, as Express.
        let short = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            TrustProxy::hops(5).client_ip(&short, peer()),
            ip("203.0.113.9")
        );
        // No header at all: the peer.
        assert_eq!(one.client_ip(&HeaderMap::new(), peer()), ip("10.0.0.1"));
        // Several header lines are one list, in order.
        let lines = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "2.2.2.2, 3.3.3.3"),
        ]);
        assert_eq!(TrustProxy::hops(2).client_ip(&lines, peer()), ip("2.2.2.2"));
        // Garbage where the client should be: the peer.
        for bad in ["unknown", "_hidden", "", "999.1.1.1"] {
            let garbage = headers(&[("x-forwarded-for", bad)]);
            assert_eq!(one.client_ip(&garbage, peer()), ip("10.0.0.1"), "{bad}");
        }
        assert_eq!(one.client_ip(&HeaderMap::new(), None), None);
        let with_port = headers(&[("x-forwarded-for", "192.0.2.9:80")]);
        assert_eq!(one.client_ip(&with_port, peer()), ip("192.0.2.9"));
    }

    #[test]
    fn forwarded_when_told_the_proxy_writes_it() {
        let both = headers(&[
            (
                "forwarded",
                "for=6.6.6.6;proto=http, for=\"[2001:db8::17]:4711\";proto=https",
            ),
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "http"),
        ]);
        let rfc = TrustProxy::hops(1).forwarded_header();
        assert_eq!(rfc.client_ip(&both, peer()), ip("2001:db8::17"));
        assert_eq!(rfc.scheme(&both, peer()).as_deref(), Some("https"));
        let plain = TrustProxy::hops(1);
        assert_eq!(plain.client_ip(&both, peer()), ip("203.0.113.7"));
        assert_eq!(plain.scheme(&both, peer()).as_deref(), Some("http"));
    }

    #[test]
    fn subnets_trust_every_hop_inside_them() {
        let trust = TrustProxy::subnets(["loopback", "10.0.0.0/8"]).expect("valid");
        let chain = headers(&[(
            "x-forwarded-for",
            "6.6.6.6, 198.51.100.4, 10.9.9.9, 127.0.0.1",
        )]);
        assert_eq!(trust.client_ip(&chain, peer()), ip("198.51.100.4"));
        // A peer outside the networks is the client, whatever it says.
        let outside: Option<SocketAddr> = "198.51.100.77:1".parse().ok();
        assert_eq!(trust.client_ip(&chain, outside), ip("198.51.100.77"));
        assert_eq!(
            trust.scheme(&headers(&[("x-forwarded-proto", "https")]), outside),
            None
        );
        // IPv4-mapped peers match IPv4 networks.
        let mapped: Option<SocketAddr> = "[::ffff:127.0.0.1]:1".parse().ok();
        assert_eq!(trust.client_ip(&chain, mapped), ip("198.51.100.4"));
        assert_eq!(
            TrustProxy::subnets(["10.0.0.0/33"]),
            Err(InvalidSubnet("10.0.0.0/33".to_owned()))
        );
        let message = InvalidSubnet("x".to_owned()).to_string();
        assert!(message.contains("CIDR"), "{message}");
        assert!(TrustProxy::subnets(["192.0.2.1", "fd00::/8", "uniquelocal", "linklocal"]).is_ok());
    }

    #[test]
    fn a_trusted_proxy_names_the_scheme() {
        let https = headers(&[("x-forwarded-proto", "HTTPS, http")]);
        assert_eq!(
            TrustProxy::hops(1).scheme(&https, peer()).as_deref(),
            Some("https")
        );
        let odd = headers(&[("x-forwarded-proto", "gopher")]);
        assert_eq!(TrustProxy::hops(1).scheme(&odd, peer()), None);
        assert_eq!(TrustProxy::hops(1).scheme(&https, None), None);
    }
}
