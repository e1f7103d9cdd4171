//! The server: one axum `Router`, served on one port over HTTP and over Socket.IO. The
//! builder and what it assembles (`builder.rs`), the service stack that carries both transports
//! (`stack.rs`), and serving with a graceful shutdown (`shutdown.rs`), as axum keeps `serve`
//! apart from its router.

use std::sync::Arc;

mod builder;
mod shutdown;
mod stack;

pub use builder::{ServerBuilder, SocketTransport};
pub(crate) use shutdown::Lifecycle;
pub use shutdown::shutdown_signal;
pub use stack::{AppFuture, AppService};

use crate::sockets::Sockets;

/// Default cap on one socket's requests in flight.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;
/// Default request body limit (1 MiB), on both transports.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Errors from building or running a [`Server`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Accepting or serving connections failed.
    #[error("serving failed: {0}")]
    Io(#[from] std::io::Error),
    /// Redis could not be reached or the adapter could not subscribe.
    #[cfg(feature = "redis")]
    #[error("cannot use redis at {url}: {source}")]
    Redis {
        /// The Redis URL given.
        url: String,
        /// The driver's or adapter's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A setting of the [`ServerBuilder`] can never work; the message says what to write.
    #[error("invalid server configuration: {}", .0.join("; "))]
    Config(Vec<String>),
}

#[cfg(feature = "contract")]
impl From<crate::contract::ContractError> for Error {
    /// A contract file that cannot be read is a configuration error, so that
    /// `Contract::from_json(..)?` works in a `main` returning this error.
    fn from(error: crate::contract::ContractError) -> Self {
        Error::Config(vec![error.to_string()])
    }
}

/// One router served over HTTP and as Sails virtual requests over Socket.IO.
///
/// ```no_run
/// use axum::{Json, Router, routing::get};
///
/// # async fn run() -> Result<(), sailroute::Error> {
/// let app = Router::new().route("/hello", get(|| async { Json(serde_json::json!({"hello": "world"})) }));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:1337").await?;
/// sailroute::Server::builder(app).build()?.serve(listener).await
/// # }
/// ```
#[derive(Clone)]
pub struct Server {
    pub(super) service: AppService,
    pub(super) sockets: Sockets,
    pub(super) lifecycle: Arc<Lifecycle>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").finish_non_exhaustive()
    }
}

impl Server {
    /// The `sails.sockets` handle, for pushing to rooms from outside a request.
    pub fn sockets(&self) -> Sockets {
        self.sockets.clone()
    }

    /// The whole server as a tower service, for embedding in another HTTP stack. Insert
    /// `ConnectInfo<SocketAddr>` into request extensions to let handlers see peer addresses,
    /// and set `TCP_NODELAY` on the connections (as [`serve`](Self::serve) does): otherwise a
    /// push written right after another can wait for the client's delayed ACK, up to 40 ms.
    /// Graceful shutdown is [`serve_with_shutdown`](Self::serve_with_shutdown)'s.
    ///
    /// On the default transport ([`SocketTransport::Sailroute`](crate::SocketTransport)) a
    /// WebSocket on a plain `TcpStream` (as with `axum::serve`, or hyper-util's server on a
    /// `TcpStream`) is written into by the transport itself. On any other connection (TLS
    /// ended in the same process with tokio-rustls or axum-server, another I/O type) it is
    /// carried through a bridge: a task and a Unix socket pair per WebSocket, with two 8 KiB
    /// copy buffers (`client/tests/tls.rs` serves a `wss://` socket this way). On platforms
    /// without Unix sockets such a WebSocket is dropped after its upgrade with a logged
    /// warning; select [`SocketTransport::Socketioxide`](crate::SocketTransport) there.
    pub fn into_service(self) -> AppService {
        self.service
    }
}
