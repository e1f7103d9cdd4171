//! The WebSocket upgrade, taken from hyper behind axum and ending in the connection's own
//! `TcpStream` where it is one (issue 20: "HTTP, the upgrade and WebSocket framing come from well-kept crates").
//!
//! The transport writes into a socket from any task with a non-blocking write and waits for its
//! readiness itself ([`super::conn`]), so it needs the `TcpStream`, not hyper's boxed
//! `Upgraded`. `axum::serve` serves connections with hyper-util's auto builder, which wraps the
//! stream in a private type; hyper-util's own `downcast` sees through it and hands back the
//! stream and whatever bytes hyper read past the request. A connection served by plain hyper
//! (`http1::Builder`) downcasts directly. One served by another stack (TLS ended in the
//! process, another I/O type) has no `TcpStream` to give: it is bridged through a socket pair
//! ([`super::stream`]).
//!
//! The handshake's checks are RFC 6455's (section 4.2.1): a `GET` asking to upgrade to
//! `websocket`, version 13 (else 426 with the version the server speaks, as the RFC asks), and a
//! key of 16 bytes in base64. No extension is negotiated: a client that offers
//! `permessage-deflate` gets plain frames, which RFC 6455 allows.

use axum::body::Body;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::stream::Stream;

/// Why a request cannot be upgraded to a WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// Not a `GET`.
    #[error("a WebSocket upgrade is a GET request, not {0}")]
    Method(Method),
    /// No `Upgrade: websocket`, or no `Connection: Upgrade`.
    #[error(
        "the request does not ask to upgrade to a WebSocket (Upgrade: websocket and Connection: Upgrade)"
    )]
    NotUpgrade,
    /// A WebSocket version other than 13.
    #[error("WebSocket version {0:?} is not spoken here; this server speaks version 13")]
    Version(String),
    /// No `Sec-WebSocket-Key`, or not 16 bytes in base64.
    #[error("the Sec-WebSocket-Key header is missing or is not 16 bytes in base64")]
    Key,
    /// The connection cannot be upgraded (hyper gave no upgrade for it: HTTP/1.0, or a request
    /// that did not come through hyper).
    #[error("this connection cannot be upgraded")]
    NoUpgrade,
}

impl HandshakeError {
    /// The answer to the refused request: 400, or 426 with the version spoken here.
    pub fn into_response(self) -> Response<Body> {
        let status = match self {
            HandshakeError::Version(_) => StatusCode::UPGRADE_REQUIRED,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut response = Response::new(Body::from(self.to_string()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if status == StatusCode::UPGRADE_REQUIRED {
            headers.insert(
                header::SEC_WEBSOCKET_VERSION,
                HeaderValue::from_static("13"),
            );
        }
        response
    }
}

/// Why an accepted upgrade gave no stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// hyper did not complete the upgrade (the client went away first).
    #[error("the WebSocket upgrade did not complete: {0}")]
    Upgrade(#[from] hyper::Error),
    /// The connection is not a TCP stream served by `axum::serve` or hyper, and cannot be
    /// bridged here (only Unix has the socket pair the bridge needs).
    #[error(
        "the upgraded connection is not a TCP stream served by axum::serve or hyper, and this platform has no Unix socket pair to bridge it; serve the server with `Server::serve`, or select `SocketTransport::Socketioxide`"
    )]
    NotTcp,
    /// The connection is not a TCP stream, and the socket pair of its bridge could not be
    /// made.
    #[error("cannot bridge a WebSocket that is not on a TCP stream: {0}")]
    Bridge(std::io::Error),
}

/// Whether a header holds `token` among its comma-separated values (case-insensitive).
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|text| {
            text.split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    })
}

/// Checks a WebSocket handshake and takes its upgrade from the request: the 101 response to
/// send, and the upgrade to await (with [`stream`]) once it has been sent.
pub fn accept<B>(request: &mut Request<B>) -> Result<(Response<Body>, OnUpgrade), HandshakeError> {
    if request.method() != Method::GET {
        return Err(HandshakeError::Method(request.method().clone()));
    }
    let headers = request.headers();
    if !has_token(headers, header::UPGRADE, "websocket")
        || !has_token(headers, header::CONNECTION, "upgrade")
    {
        return Err(HandshakeError::NotUpgrade);
    }
    let version = headers.get(header::SEC_WEBSOCKET_VERSION);
    if version.is_none_or(|v| v.as_bytes() != b"13") {
        let spoken = version
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        return Err(HandshakeError::Version(spoken));
    }
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or(HandshakeError::Key)?;
    let mut decoded = [0u8; 18];
    match base64::engine::general_purpose::STANDARD.decode_slice(key.as_bytes(), &mut decoded) {
        Ok(16) => {}
        _ => return Err(HandshakeError::Key),
    }
    let accept = super::ws::accept_key(key.as_bytes());
    let on_upgrade = request
        .extensions_mut()
        .remove::<OnUpgrade>()
        .ok_or(HandshakeError::NoUpgrade)?;
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(
        header::SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&accept).map_err(|_| HandshakeError::Key)?,
    );
    Ok((response, on_upgrade))
}

/// The connection's stream once the 101 has gone out, and the bytes hyper read past the
/// request (the client's first frames, if it sent them at once): its own `TcpStream` when it
/// is one, or else (TLS ended in this process, another I/O type) a [bridge](super::stream).
pub async fn stream(on_upgrade: OnUpgrade) -> Result<(Stream, Bytes), StreamError> {
    let upgraded = on_upgrade.await?;
    // axum::serve: hyper-util's auto builder and its private wrapper.
    let upgraded =
        match hyper_util::server::conn::auto::upgrade::downcast::<TokioIo<TcpStream>>(upgraded) {
            Ok(parts) => return Ok((parts.io.into_inner().into(), detach(parts.read_buf))),
            Err(upgraded) => upgraded,
        };
    // Plain hyper.
    let upgraded = match upgraded.downcast::<TokioIo<TcpStream>>() {
        Ok(parts) => return Ok((parts.io.into_inner().into(), detach(parts.read_buf))),
        Err(upgraded) => upgraded,
    };
    #[cfg(unix)]
    {
        // `Upgraded` yields what hyper read past the request first, so nothing comes early.
        let stream = super::stream::bridge(TokioIo::new(upgraded)).map_err(StreamError::Bridge)?;
        Ok((stream, Bytes::new()))
    }
    #[cfg(not(unix))]
    {
        drop(upgraded);
        Err(StreamError::NotTcp)
    }
}

/// The early bytes in an allocation of their own: hyper's `read_buf` is a slice of the
/// connection's read buffer (8 KiB or more), and a slice, even an empty one, keeps the whole
/// buffer alive for as long as it is held.
fn detach(read_buf: Bytes) -> Bytes {
    if read_buf.is_empty() {
        Bytes::new()
    } else {
        Bytes::copy_from_slice(&read_buf)
    }
}

#[cfg(test)]
mod tests;
