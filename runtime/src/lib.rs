//! Serve one axum [`Router`](axum::Router) over plain HTTP and as Sails.js socket "virtual
//! requests" over Socket.IO, on one port.
//!
//! A socket client emits `get`, `post`, `put`, `patch`, `delete`, `options` or `head` with
//! `{method, url, data, headers}` and an ack; the request runs through the *same* router and
//! middleware as HTTP, and the ack carries `{body, headers, statusCode}`. The unmodified
//! `sails.io.js` client works against it, and so do plain socket.io clients (v2 to v4).
//!
//! ```no_run
//! use axum::{Json, Router, extract::Path, routing::{get, put}};
//! use sailroute::{Server, Socket};
//! use serde_json::{Value, json};
//!
//! async fn hello() -> Json<Value> {
//!     Json(json!({ "hello": "world" }))
//! }
//!
//! // Over a socket, the handler can put the requesting socket into rooms.
//! async fn subscribe(socket: Socket, Path(room): Path<String>) -> Json<Value> {
//!     socket.join(room.as_str()).await.ok();
//!     Json(json!({ "joined": room }))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), sailroute::Error> {
//!     let app = Router::new()
//!         .route("/hello", get(hello))
//!         .route("/subscribe/{room}", put(subscribe));
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:1337").await?;
//!     Server::builder(app).build().serve(listener).await
//! }
//! ```
//!
//! Where this differs from Sails on purpose is listed in `docs/protocol.md`.

mod bridge;
mod policy;
mod server;
mod sockets;
mod wire;

pub use policy::{Handshake, Refusal};
pub use server::{DEFAULT_MAX_BODY, DEFAULT_MAX_IN_FLIGHT, Error, Server, ServerBuilder};
pub use sockets::{
    LeaveAllOptions, MissingSockets, NotASocketRequest, Rooms, Socket, Sockets, SocketsError,
};
pub use wire::RequestError;
