//! Which browser origins may open a socket: the policy, its validation when the server is
//! built, and the check of a handshake's `Origin` header.
//!
//! A browser sends its cookies with a WebSocket handshake whatever page opened it, and no
//! CORS check stops a WebSocket. Accepting every origin therefore lets any web page open a
//! socket that carries the user's cookie. The default is the same-origin rule: a handshake
//! from a browser is accepted only when its `Origin` names the server itself.

use http::HeaderValue;
use http::uri::{Authority, Uri};

/// The origins whose pages may open sockets; fixed when the server is built.
#[derive(Debug, Clone, Default)]
pub(crate) enum OriginPolicy {
    /// A handshake without `Origin` (not a browser), or whose `Origin` has the scheme's
    /// host and port of the request's own `Host`.
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
    pub(crate) fn allows(&self, origin: Option<&HeaderValue>, host: Option<&HeaderValue>) -> bool {
        match self {
            OriginPolicy::Any => true,
            OriginPolicy::Only(allowed) => origin
                .and_then(|o| o.to_str().ok())
                .is_some_and(|o| allowed.iter().any(|a| a == o)),
            OriginPolicy::SameOrigin => match origin {
                None => true,
                Some(origin) => is_same_origin(origin, host),
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

/// Whether `origin` names the host and port the request was sent to.
///
/// The scheme is not compared: behind a proxy that ends TLS the server cannot know its own
/// scheme, and a page on `http://` of the same host is the same site to the browser's cookies
/// anyway. A `Host` without a port takes the default port of the origin's scheme.
fn is_same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
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
    if scheme != "http" && scheme != "https" {
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

    #[test]
    fn same_origin_compares_host_and_port() {
        let policy = OriginPolicy::SameOrigin;
        let host = value("127.0.0.1:1337");
        assert!(policy.allows(None, Some(&host)), "no Origin: not a browser");
        assert!(policy.allows(Some(&value("http://127.0.0.1:1337")), Some(&host)));
        assert!(!policy.allows(Some(&value("http://evil.example")), Some(&host)));
        assert!(!policy.allows(Some(&value("http://127.0.0.1:1338")), Some(&host)));
        assert!(!policy.allows(Some(&value("http://localhost:1337")), Some(&host)));
        assert!(!policy.allows(Some(&value("null")), Some(&host)));
        assert!(!policy.allows(Some(&value("http://127.0.0.1:1337")), None));
        let plain = value("Example.com");
        assert!(policy.allows(Some(&value("https://example.com")), Some(&plain)));
        assert!(policy.allows(Some(&value("http://example.com")), Some(&plain)));
        assert!(policy.allows(
            Some(&value("https://example.com")),
            Some(&value("example.com:443"))
        ));
        assert!(!policy.allows(
            Some(&value("https://example.com")),
            Some(&value("example.com:80"))
        ));
        assert!(!policy.allows(
            Some(&value("https://example.com.evil.example")),
            Some(&plain)
        ));
    }

    #[test]
    fn an_allow_list_is_exact_and_needs_an_origin() {
        let policy = OriginPolicy::Only(vec!["http://good.example".into()]);
        let host = value("127.0.0.1:1337");
        assert!(policy.allows(Some(&value("http://good.example")), Some(&host)));
        assert!(!policy.allows(Some(&value("http://good.example/")), Some(&host)));
        assert!(!policy.allows(None, Some(&host)));
        assert!(OriginPolicy::Any.allows(Some(&value("http://evil.example")), None));
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
