//! Which browser origins may open a socket: the policy, its validation when the server is
//! built, and the check of a handshake's `Origin` header.
//!
//! A browser sends its cookies with a WebSocket handshake whatever page opened it, and no
//! CORS check stops a WebSocket. Accepting every origin therefore lets any web page open a
//! socket that carries the user's cookie. The default is the same-origin rule: a handshake
//! from a browser is accepted only when its `Origin` names the server itself.

use http::HeaderValue;
use http::uri::{Authority, Uri};

/// Where a handshake was sent: the request's `Host` and the scheme the page used (`http`
/// unless a trusted proxy says otherwise: this server speaks plain HTTP).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Own<'a> {
    pub(crate) host: Option<&'a HeaderValue>,
    pub(crate) scheme: &'a str,
}

/// The origins whose pages may open sockets; fixed when the server is built.
#[derive(Debug, Clone, Default)]
pub(crate) enum OriginPolicy {
    /// A handshake without `Origin` (not a browser), or whose `Origin` is the server's own:
    /// the scheme it was reached by, and the host and port of its `Host`.
    #[default]
    SameOrigin,
    /// Exactly these origins (Sails' `onlyAllowOrigins`: exact strings, and a handshake
    /// without `Origin` is refused).
    Only(Vec<String>),
    /// Every origin: an explicit choice, logged when the server is built.
    Any,
}

impl OriginPolicy {
    /// Whether a handshake with this `Origin` and `Host` may connect.
    pub(crate) fn allows(&self, origin: Option<&HeaderValue>, own: &Own<'_>) -> bool {
        match self {
            OriginPolicy::Any => true,
            OriginPolicy::Only(allowed) => origin
                .and_then(|o| o.to_str().ok())
                .is_some_and(|o| allowed.iter().any(|a| a == o)),
            OriginPolicy::SameOrigin => match origin {
                None => true,
                Some(origin) => is_same_origin(origin, own),
            },
        }
    }

    /// Whether accepted cross-origin handshakes get CORS headers (the allow-list and "any":
    /// long-polling from another origin needs them; same-origin requests do not).
    pub(crate) fn answers_cors(&self) -> bool {
        !matches!(self, OriginPolicy::SameOrigin)
    }
}

/// Checks one origin given to `allow_origin`: a browser's `Origin` is
/// `scheme://host[:port]`, lower-case, without a default port, path or trailing slash, so
/// anything else could never match and would silently refuse every browser.
pub(crate) fn check_allowed_origin(origin: &str) -> Result<(), String> {
    let fix = |what: &str, write: String| {
        format!(
            "allow_origin({origin:?}): {what}; browsers send `Origin: {write}`, so write {write:?}"
        )
    };
    let uri: Uri = origin.parse().map_err(|e| {
        format!(
            "allow_origin({origin:?}) is not an origin ({e}); write it as \"https://host[:port]\""
        )
    })?;
    let Some(scheme) = uri.scheme_str() else {
        return Err(fix(
            "the origin has no scheme",
            format!("https://{}", origin.trim_end_matches('/')),
        ));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "allow_origin({origin:?}): only http and https origins can open a socket from a page; write \"https://host[:port]\""
        ));
    }
    let Some(authority) = uri.authority() else {
        return Err(format!(
            "allow_origin({origin:?}): the origin has no host; write \"{scheme}://host[:port]\""
        ));
    };
    let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
    let canonical = match authority.port_u16() {
        Some(port) if port != default_port(scheme) => {
            format!(
                "{scheme}://{}:{port}",
                authority.host().to_ascii_lowercase()
            )
        }
        _ => format!("{scheme}://{}", authority.host().to_ascii_lowercase()),
    };
    if authority.as_str().contains('@') {
        return Err(fix("an origin has no user name or password", canonical));
    }
    if authority.port_u16() == Some(default_port(scheme)) {
        return Err(fix(
            &format!("{scheme} leaves its default port out of an origin"),
            canonical,
        ));
    }
    if origin.len() != scheme.len() + 3 + host_port.len() {
        return Err(fix(
            "an origin has no path, query or trailing slash",
            canonical,
        ));
    }
    if host_port != host_port.to_ascii_lowercase() {
        return Err(fix("browsers send the host in lower case", canonical));
    }
    Ok(())
}

/// The port a scheme implies when an origin or `Host` names none.
fn default_port(scheme: &str) -> u16 {
    if scheme == "https" { 443 } else { 80 }
}

/// Whether `origin` names the scheme, host and port the request was sent to, as browsers
/// compare origins (issue 23, point 8: a page on `http://` of the same host is another origin,
/// one that any network attacker can serve). A `Host` without a port takes the default port of
/// the scheme.
fn is_same_origin(origin: &HeaderValue, own: &Own<'_>) -> bool {
    let Some(host) = own.host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = origin.to_str().map(str::parse::<Uri>) else {
        return false;
    };
    let Ok(origin) = origin else {
        return false;
    };
    let (Some(scheme), Some(origin_authority)) = (origin.scheme_str(), origin.authority()) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case(own.scheme) {
        if origin_authority
            .host()
            .eq_ignore_ascii_case(host.split(':').next().unwrap_or(host))
        {
            tracing::warn!(
                origin = %origin,
                server_scheme = own.scheme,
                "socket handshake refused: the page's scheme is not the one this server was reached by; behind a proxy that ends TLS, set trust_proxy so that X-Forwarded-Proto counts, or allow_origin(..) the page"
            );
        }
        return false;
    }
    let Ok(host) = host.parse::<Authority>() else {
        return false;
    };
    let port = default_port(scheme);
    origin_authority.host().eq_ignore_ascii_case(host.host())
        && origin_authority.port_u16().unwrap_or(port) == host.port_u16().unwrap_or(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).expect("a valid header value")
    }

    fn own<'a>(host: Option<&'a HeaderValue>, scheme: &'a str) -> Own<'a> {
        Own { host, scheme }
    }

    fn allows(
        policy: &OriginPolicy,
        origin: Option<&HeaderValue>,
        host: Option<&HeaderValue>,
    ) -> bool {
        policy.allows(origin, &own(host, "http"))
    }

    /// Issue 23, point 8: scheme, host and port, as browsers compare origins.
    #[test]
    fn same_origin_compares_the_scheme_too() {
        let policy = OriginPolicy::SameOrigin;
        let plain = value("example.com");
        assert!(policy.allows(
            Some(&value("http://example.com")),
            &own(Some(&plain), "http")
        ));
        assert!(!policy.allows(
            Some(&value("https://example.com")),
            &own(Some(&plain), "http")
        ));
        assert!(policy.allows(
            Some(&value("https://example.com")),
            &own(Some(&plain), "https")
        ));
        assert!(!policy.allows(
            Some(&value("http://example.com")),
            &own(Some(&plain), "https")
        ));
        assert!(policy.allows(
            Some(&value("https://example.com")),
            &own(Some(&value("example.com:443")), "https")
        ));
    }

    #[test]
    fn same_origin_compares_host_and_port() {
        let policy = &OriginPolicy::SameOrigin;
        let host = value("127.0.0.1:1337");
        let h = Some(&host);
        assert!(allows(policy, None, h), "no Origin: not a browser");
        assert!(allows(policy, Some(&value("http://127.0.0.1:1337")), h));
        assert!(!allows(policy, Some(&value("http://evil.example")), h));
        assert!(!allows(policy, Some(&value("http://127.0.0.1:1338")), h));
        assert!(!allows(policy, Some(&value("http://localhost:1337")), h));
        assert!(!allows(policy, Some(&value("null")), h));
        assert!(!allows(policy, Some(&value("http://127.0.0.1:1337")), None));
        let plain = value("Example.com");
        assert!(allows(
            policy,
            Some(&value("http://example.com")),
            Some(&plain)
        ));
        assert!(allows(
            policy,
            Some(&value("http://example.com")),
            Some(&value("example.com:80"))
        ));
        assert!(!allows(
            policy,
            Some(&value("http://example.com")),
            Some(&value("example.com:443"))
        ));
        assert!(!allows(
            policy,
            Some(&value("http://example.com.evil.example")),
            Some(&plain)
        ));
    }

    #[test]
    fn an_allow_list_is_exact_and_needs_an_origin() {
        let policy = OriginPolicy::Only(vec!["http://good.example".into()]);
        let host = value("127.0.0.1:1337");
        assert!(allows(
            &policy,
            Some(&value("http://good.example")),
            Some(&host)
        ));
        assert!(!allows(
            &policy,
            Some(&value("http://good.example/")),
            Some(&host)
        ));
        assert!(!allows(&policy, None, Some(&host)));
        assert!(allows(
            &OriginPolicy::Any,
            Some(&value("http://evil.example")),
            None
        ));
    }

    #[test]
    fn allowed_origins_are_checked_with_a_fix() {
        for good in [
            "http://good.example",
            "https://a.b:8443",
            "http://127.0.0.1:3000",
        ] {
            assert_eq!(check_allowed_origin(good), Ok(()), "{good}");
        }
        let cases = [
            ("localboast.com", "\"https://localboast.com\""),
            ("http://x:80", "\"http://x\""),
            ("https://x:443", "\"https://x\""),
            ("http://x.example/", "\"http://x.example\""),
            ("http://x.example/app", "\"http://x.example\""),
            ("http://X.example", "\"http://x.example\""),
            ("http://u@x.example", "\"http://x.example\""),
            ("ftp://x.example", "https://host[:port]"),
            ("", "https://host[:port]"),
        ];
        for (bad, fix) in cases {
            let message = check_allowed_origin(bad).expect_err(bad);
            assert!(message.contains(fix), "{bad}: {message}");
        }
    }
}
