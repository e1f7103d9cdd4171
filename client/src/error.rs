//! What can go wrong in a call, told apart so callers can react to each.

use std::time::Duration;

/// A failed call. `E` is the route's typed error body (or `serde_json::Value` when the
/// route declares none).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError<E> {
    /// The request did not get an answer: connection refused or lost, socket closed.
    #[error("transport failed: {0}")]
    Transport(String),
    /// No answer within the call's timeout; the request was abandoned.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The server answered with a non-success status.
    #[error("the server answered {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The error body, decoded as the route's error type, when it decodes.
        body: Option<E>,
        /// The error body as JSON (text bodies become a JSON string; none is `null`).
        raw: serde_json::Value,
    },
    /// A success whose body does not match the route's declared type.
    #[error("cannot decode the {status} answer: {message}")]
    Decode {
        /// The HTTP status code.
        status: u16,
        /// What did not match.
        message: String,
        /// The body as received.
        raw: serde_json::Value,
    },
    /// The call could not be encoded (a query that is not a flat object, say).
    #[error("cannot encode the request: {0}")]
    Encode(String),
}

impl<E> ClientError<E> {
    /// The status code, for [`ClientError::Status`] and [`ClientError::Decode`].
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } | ClientError::Decode { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }
}

/// Why connecting failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The URL is not an `http://`/`https://` URL.
    #[error("invalid server url {url:?}: {message}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// Why it is invalid.
        message: String,
    },
    /// The Engine.IO connection failed (refused, or the handshake was rejected).
    #[error("cannot connect to {url}: {message}")]
    Engine {
        /// The URL.
        url: String,
        /// The underlying error.
        message: String,
    },
    /// The server refused the Socket.IO connection (`connect_error`).
    #[error("the server refused the connection: {0}")]
    Refused(String),
    /// The server did not complete the connection in time.
    #[error("the server did not accept the connection within {0:?}")]
    Timeout(Duration),
}
