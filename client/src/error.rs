//! What can go wrong in a call, told apart so callers can react to each.

use std::time::Duration;

/// A failed call. `E` is the route's typed error body (or `serde_json::Value` when the
/// route declares none).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError<E> {
    /// The request did not get an answer: the client is closed, the connection was lost, an
    /// HTTP request failed. The [`TransportError`] says which.
    #[error(transparent)]
    Transport(TransportError),
    /// No answer within the call's timeout; the request was abandoned.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The server answered with a non-success status.
    #[error("{method} {path} answered {status}")]
    Status {
        /// The call's method (`GET`, …).
        method: &'static str,
        /// The call's path and query, as sent.
        path: String,
        /// The HTTP status code.
        status: u16,
        /// The error body, decoded as the route's error type, when it decodes.
        body: Option<E>,
        /// The error body as JSON (text bodies become a JSON string; none is `null`).
        raw: serde_json::Value,
    },
    /// An answer that does not match the route's declared type, or an ack that is not a
    /// `{body, headers, statusCode}` answer at all (then `status` is `None`).
    #[error("cannot decode the answer to {method} {path}: {message}")]
    Decode {
        /// The call's method (`GET`, …).
        method: &'static str,
        /// The call's path and query, as sent.
        path: String,
        /// The HTTP status code, when the answer had one.
        status: Option<u16>,
        /// What did not match.
        message: String,
        /// The body as received.
        raw: serde_json::Value,
    },
    /// The call's input breaks its type's validation rules: found by this client before
    /// sending (`sent: false`, nothing was sent) or by the server (`sent: true`, status 422
    /// with the runtime's `{"error": "validation", …}` body).
    #[error("{method} {path}: invalid input: {}", describe(fields))]
    Invalid {
        /// The call's method (`GET`, …).
        method: &'static str,
        /// The call's path and query, as they were (or would have been) sent.
        path: String,
        /// Whether the server answered (422), or the client checked it before sending.
        sent: bool,
        /// Every rule broken, with where.
        fields: Vec<crate::FieldError>,
    },
    /// The call could not be encoded (a query that is not a flat object, a path parameter
    /// that is not a string or number, say); nothing was sent.
    #[error("cannot encode the request: {0}")]
    Encode(String),
    /// The server refused the call because this client was generated from a contract it does
    /// not serve: a route it calls is gone, or a value no longer fits (status 409). Regenerate
    /// the client from the server's contract.
    #[error("{method} {path}: the server refused this client's contract: {message}")]
    Incompatible {
        /// The call's method (`GET`, …).
        method: &'static str,
        /// The call's path and query, as sent.
        path: String,
        /// The server's explanation.
        message: String,
        /// What changed, one sentence each (empty when the server does not know the client's
        /// contract at all).
        problems: Vec<String>,
    },
}

impl<E> ClientError<E> {
    /// The status code, for [`ClientError::Status`] and [`ClientError::Decode`].
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            ClientError::Decode { status, .. } => *status,
            ClientError::Incompatible { .. } => Some(409),
            ClientError::Invalid { sent: true, .. } => Some(422),
            _ => None,
        }
    }
}

/// The fields of [`ClientError::Invalid`] in one sentence.
fn describe(fields: &[crate::FieldError]) -> String {
    fields
        .iter()
        .map(|f| match f.path.as_str() {
            "" => f.message.clone(),
            path => format!("{path}: {}", f.message),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a call got no answer: the cause of [`ClientError::Transport`], so that a caller can
/// tell a closed client (give up) from a lost connection (the client reconnects by itself;
/// try again).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The client was closed with [`disconnect`](crate::RawClient::disconnect).
    #[error("transport failed: the client is closed")]
    Closed,
    /// The connection dropped before the answer came; the client is reconnecting.
    #[error("transport failed: the connection was lost before the answer came")]
    Lost,
    /// The Engine.IO connection was not open when the call was written.
    #[error("transport failed: the socket is not connected")]
    NotConnected,
    /// An HTTP request failed: connecting, TLS, or reading the answer.
    #[error("transport failed: {message}")]
    Http {
        /// What failed, with its causes (reqwest keeps them out of its own message).
        message: String,
        /// The HTTP client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl TransportError {
    pub(crate) fn http(source: reqwest::Error) -> Self {
        TransportError::Http {
            message: crate::http::with_causes(&source),
            source: Box::new(source),
        }
    }
}

/// A value that cannot be written into a request (a path parameter that is not a string,
/// number or boolean); generated clients turn it into [`ClientError::Encode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EncodeError(pub(crate) String);

impl<E> From<EncodeError> for ClientError<E> {
    fn from(error: EncodeError) -> Self {
        ClientError::Encode(error.0)
    }
}

/// A subscribing call that could not be re-issued after a reconnect: the socket is connected
/// again but no longer receives that route's events.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("re-subscribing with {method} {url} after a reconnect failed: {reason}")]
pub struct ResubscribeError {
    /// The call's method (lower-case, as sent).
    pub method: String,
    /// The call's url, as sent.
    pub url: String,
    /// What went wrong: the status and body of the answer, a timeout, or the transport.
    pub reason: String,
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
    /// An `https://` URL, but this build has no TLS.
    #[error(
        "cannot connect to {url}: https:// needs TLS: enable the `rustls` feature of sailroute-client"
    )]
    TlsUnavailable {
        /// The URL.
        url: String,
    },
    /// A root certificate could not be read.
    #[error("invalid root certificate: {0}")]
    InvalidCertificate(String),
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
    /// The server refused the connection because this client was generated from a contract
    /// it does not serve (see `ConnectOptions::contract`); the message says what changed.
    #[error("the server refused this client's contract: {0}")]
    Incompatible(String),
    /// The server did not complete the connection in time.
    #[error("the server did not accept the connection within {0:?}")]
    Timeout(Duration),
}
