//! The request that opened a socket ([`Handshake`]) and a before-connect hook's answer
//! ([`Refusal`]).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use http::{HeaderMap, Uri};

/// The request that opened a socket: what the before-connect hook decides on, what
/// [`Socket::handshake`](crate::Socket::handshake) gives handlers, and what the disconnect hook
/// receives.
#[derive(Debug, Clone)]
pub struct Handshake {
    headers: HeaderMap,
    uri: Uri,
    remote_addr: Option<SocketAddr>,
}

impl Handshake {
    /// A handshake request as the before-connect hook sees it.
    pub(crate) fn of_request<B>(request: &http::Request<B>) -> Self {
        Handshake {
            headers: request.headers().clone(),
            uri: request.uri().clone(),
            remote_addr: request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        }
    }

    /// Reads a handshake request's parts (the peer address from `ConnectInfo`).
    pub(crate) fn from_parts(parts: &http::request::Parts) -> Self {
        Handshake {
            headers: parts.headers.clone(),
            uri: parts.uri.clone(),
            remote_addr: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        }
    }

    /// The handshake's HTTP headers (names lower-case).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The raw query string (sails.io.js puts `__sails_io_sdk_*` and the user's `query` here).
    pub fn query_string(&self) -> &str {
        self.uri.query().unwrap_or("")
    }

    /// The first value of one query parameter, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query_string().as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The peer address, when the server knows it.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote_addr
    }
}

/// A before-connect hook's "no", with the message the client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    message: String,
}

impl Refusal {
    /// Refuses with `message` as the response body.
    pub fn new(message: impl Into<String>) -> Self {
        Refusal {
            message: message.into(),
        }
    }

    /// Refuses with the body `Forbidden`, as Sails does when its hook gives no reason.
    pub fn forbidden() -> Self {
        Refusal::new("Forbidden")
    }

    /// The message sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl<T: Into<String>> From<T> for Refusal {
    fn from(message: T) -> Self {
        Refusal::new(message)
    }
}

pub(crate) type BeforeConnect = Arc<
    dyn Fn(Handshake) -> Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send>> + Send + Sync,
>;
