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
//!     Server::builder(app).build()?.serve(listener).await
//! }
//! ```
//!
//! Where this differs from Sails on purpose is listed in `docs/protocol.md`.
//!
//! ## Inside, in the order a request flows
//!
//! `server` builds the stack and serves it. An HTTP request passes `policy` (the origin
//! policy and before-connect hook for Socket.IO handshakes, the `/engine.io/` alias), `browser`
//! (the browser clients and `/__getcookie`), then `guard` (catch-panic, body limits) and the
//! router. A socket's frames take `connection`: registration at connect, then each virtual
//! request from its frame through the per-socket cap, `bridge` (payload into `http::Request`,
//! response into the ack, shapes from `wire`), the same guard and router, and back as its ack.
//! `sockets` and `pubsub` push to rooms; `sessions` and `redis` are features.

pub mod blueprints;
mod bridge;
mod browser;
mod check;
mod client_ip;
mod connection;
#[cfg(feature = "contract")]
pub mod contract;
mod engine_query;
mod guard;
mod handshake;
mod origin;
mod policy;
mod pubsub;
#[cfg(feature = "redis")]
mod redis;
#[cfg(all(feature = "redis", feature = "sessions"))]
mod redis_session;
mod refusal;
mod server;
#[cfg(feature = "sessions")]
pub mod sessions;
mod sockets;
mod strict_json;
pub mod transport;
mod valid;
mod wire;

pub use browser::SOCKET_IO_CLIENT;
pub use check::{RouteMismatch, check_routes};
pub use client_ip::{ClientIp, InvalidSubnet, TrustProxy, UnknownClientIp};
pub use connection::Disconnected;
pub use policy::{Handshake, Refusal};
pub use pubsub::{Event, Resource, ResourceRecord, TypedResource};
pub use server::{
    AppFuture, AppService, DEFAULT_MAX_BODY, DEFAULT_MAX_IN_FLIGHT, Error, Server, ServerBuilder,
    SocketTransport, shutdown_signal,
};
pub use sockets::{
    LeaveAllOptions, MissingSockets, NotASocketRequest, Rooms, Socket, Sockets, SocketsError,
};
pub use valid::{Checked, FieldError, Invalid};
pub use wire::{MAX_REQUEST_HEADERS, RequestError};

/// Entry points for the fuzz targets in `fuzz/` (built by cargo-fuzz, which sets
/// `cfg(fuzzing)`, and by the crate's own tests, which check the same properties on generated
/// input): the parsers of untrusted input, with no server around them.
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub mod __fuzz {
    use http::StatusCode;

    /// A Socket.IO event's data (any bytes; sails.io.js sends `["get", {"url": ...}]`)
    /// decoded and through the bridge, as a socket's request handler does. Checks what must
    /// hold of every request the router would see.
    pub fn virtual_request(event: &[u8]) {
        let Ok(text) = std::str::from_utf8(event) else {
            return;
        };
        let (Some(method), Ok(raw)) = crate::wire::decode_event(text) else {
            return;
        };
        let handshake = crate::bridge::Handshake::default();
        if let Ok(request) =
            crate::bridge::build_request(method.clone(), raw, &handshake, None, Default::default())
        {
            assert_eq!(request.method(), method);
            assert!(request.uri().path().starts_with('/'));
            assert!(request.headers().get(http::header::ORIGIN).is_none());
        }
    }

    /// A blueprint `find`'s query string (any bytes, read as `application/x-www-form-urlencoded`)
    /// through the criteria parser, against Sails' classic `User`: read or refused, never a
    /// panic, and what is read respects the limits.
    pub fn criteria(query: &[u8]) {
        use crate::blueprints::{AttrType, Attribute, Criteria, Limits, ModelSchema};
        let attr = |name: &str, ty| Attribute {
            name: name.to_owned(),
            ty,
        };
        let model = ModelSchema {
            identity: "user".to_owned(),
            primary_key: "id".to_owned(),
            attributes: vec![
                attr("id", AttrType::Integer),
                attr("name", AttrType::String),
                attr("admin", AttrType::Boolean),
                attr("meta", AttrType::Json),
            ],
            associations: vec!["pets".to_owned()],
        };
        let limits = Limits::default();
        if let Ok(criteria) = Criteria::from_query(form_urlencoded::parse(query), &model, limits) {
            assert!(criteria.limit <= limits.max_limit);
        }
    }

    /// Any bytes as an Engine.IO frame of either version and as the polling bodies of both:
    /// read or refused, never a panic, and what is read writes back the same packets.
    pub fn engine_packet(data: &[u8]) {
        use crate::transport::engine::{Packet, Version, v3, v4};
        for version in [Version::V3, Version::V4] {
            if let Ok(packet) = Packet::decode_binary(version, data) {
                assert!(matches!(packet, Packet::Binary(_)));
            }
        }
        if let Ok(packets) = v3::decode_binary_payload(data) {
            assert_eq!(
                v3::decode_binary_payload(&v3::encode_binary_payload(&packets)),
                Ok(packets)
            );
        }
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(packet) = Packet::decode_text(text) {
            assert_eq!(Packet::decode_text(&packet.encode_text()), Ok(packet));
        }
        // A WebSocket text frame: binary in base64 reads back from its canonical spelling;
        // anything else reads as the text packet it is.
        for version in [Version::V3, Version::V4] {
            match Packet::decode_frame(version, text.to_owned()) {
                Ok(Packet::Binary(bytes)) => {
                    use base64::Engine as _;
                    let prefix = if version == Version::V4 { "b" } else { "b4" };
                    let spelled = base64::engine::general_purpose::STANDARD.encode(&bytes);
                    assert_eq!(
                        Packet::decode_frame(version, format!("{prefix}{spelled}")),
                        Ok(Packet::Binary(bytes))
                    );
                }
                Ok(packet) => assert_eq!(Packet::decode_text(text), Ok(packet)),
                Err(_) => {}
            }
        }
        if let Ok(packets) = v3::decode_payload(text) {
            assert_eq!(
                v3::decode_payload(&v3::encode_payload(&packets)),
                Ok(packets)
            );
        }
        if let Ok(packets) = v4::decode_payload(text) {
            // Base64 has several spellings of one value; what is written reads the same.
            let written = v4::encode_payload(&packets);
            assert_eq!(v4::decode_payload(&written), Ok(packets));
        }
    }

    /// Any text as a Socket.IO packet of either revision: read or refused, never a panic;
    /// what is read writes back the same packet, and its binary assembly holds.
    pub fn socket_packet(data: &[u8]) {
        use crate::transport::socket::{Assembly, Packet, Version};
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        for version in [Version::V4, Version::V5] {
            if let Ok(packet) = Packet::decode(version, text) {
                // The same packet (serde_json reads some long floats back a unit off in their
                // last place, so data is compared by its shape).
                let again = Packet::decode(version, &packet.encode()).expect("written reads");
                assert_eq!(
                    (
                        again.kind,
                        &again.namespace,
                        &again.query,
                        again.id,
                        again.attachments
                    ),
                    (
                        packet.kind,
                        &packet.namespace,
                        &packet.query,
                        packet.id,
                        packet.attachments
                    )
                );
                let shape = |v: &Option<serde_json::Value>| v.as_ref().map(std::mem::discriminant);
                assert_eq!(shape(&again.data), shape(&packet.data));
                let _ = Assembly::start(packet);
            }
        }
    }

    /// A response (status, one of a few content types, any body) through the bridge into
    /// the ack payload, which must serialize and keep the status and no `set-cookie`.
    pub fn response_to_jwr(status: u16, content_type: u8, body: &[u8]) {
        let Ok(status) = StatusCode::from_u16(status) else {
            return;
        };
        let content_type = [
            "application/json",
            "application/problem+json",
            "text/plain; charset=utf-8",
            "application/octet-stream",
        ][usize::from(content_type) % 4];
        let response = http::Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, content_type)
            .header(http::header::SET_COOKIE, "id=secret")
            .body(axum::body::Body::from(body.to_vec()));
        let Ok(response) = response else { return };
        let Some(jwr) = futures_util::FutureExt::now_or_never(crate::bridge::into_jwr(response))
        else {
            return;
        };
        // As the transport writes it: a JSON body verbatim (a number too large for an f64 is
        // still valid JSON, so it is read back raw).
        #[derive(serde::Deserialize)]
        struct Written {
            #[serde(rename = "statusCode")]
            status_code: u16,
            headers: std::collections::BTreeMap<String, String>,
            #[serde(rename = "body")]
            _body: Option<Box<serde_json::value::RawValue>>,
        }
        let Ok(text) = serde_json::to_string(&jwr) else {
            panic!("an ack payload did not serialize");
        };
        let written: Written = match serde_json::from_str(&text) {
            Ok(written) => written,
            Err(e) => panic!("an ack payload is not the JWR shape ({e}): {text}"),
        };
        assert_eq!(written.status_code, status.as_u16());
        assert!(!written.headers.contains_key("set-cookie"));
    }

    /// Any bytes as what a client writes on a WebSocket, read at once and in two reads split
    /// where the first two bytes say: read or refused, never a panic, and the split changes
    /// nothing (a frame may arrive in any number of reads).
    pub fn ws_frame(data: &[u8]) {
        use crate::transport::ws::{Message, Reader};
        let [high, low, data @ ..] = data else {
            return;
        };
        let split = u16::from_be_bytes([*high, *low]);
        let max = 1 << 12;
        let whole = {
            let mut reader = Reader::new(max);
            let mut out = Vec::new();
            let result = reader.read(data, &mut out);
            (out, result.is_ok())
        };
        let at = usize::from(split).min(data.len());
        let split = {
            let mut reader = Reader::new(max);
            let mut out: Vec<Message> = Vec::new();
            let (first, second) = data.split_at(at);
            let result = reader
                .read(first, &mut out)
                .and_then(|()| reader.read(second, &mut out));
            (out, result.is_ok())
        };
        assert_eq!(whole, split, "reading in two parts split at {at} differs");
    }

    /// Any bytes as a script of packets, clock steps, heartbeat wake-ups and closes for one
    /// Engine.IO session: never a panic, nothing after its close, the close last, no message
    /// over `maxPayload`, and a heartbeat deadline that never moves earlier.
    pub fn session(data: &[u8]) {
        use std::time::{Duration, Instant};

        use crate::transport::engine::{Packet, Version};
        use crate::transport::session::{Action, Config, Session, Transport};

        let mut bytes = data.iter().copied();
        let Some(first) = bytes.next() else { return };
        let version = if first & 1 == 0 {
            Version::V3
        } else {
            Version::V4
        };
        let opened_on = if first & 2 == 0 {
            Transport::Polling
        } else {
            Transport::WebSocket
        };
        let config = Config {
            ping_interval: Duration::from_millis(300),
            ping_timeout: Duration::from_millis(200),
            max_payload: 8,
            websocket: first & 4 == 0,
        };
        let mut now = Instant::now();
        let (mut session, _) = Session::open(version, opened_on, "sid", config, now);
        let mut closed = false;
        let mut deadline = session.deadline();
        let fixed = [
            Packet::Ping(String::new()),
            Packet::Pong(String::new()),
            Packet::Ping("probe".to_owned()),
            Packet::Pong("probe".to_owned()),
            Packet::Message("hello".to_owned()),
            Packet::Message("far too long".to_owned()),
            Packet::Upgrade,
            Packet::Noop,
            Packet::Close,
            Packet::Open("{}".to_owned()),
            Packet::Binary(bytes::Bytes::from_static(b"\x01\x02")),
        ];
        while let Some(op) = bytes.next() {
            let arg = bytes.next().unwrap_or(0);
            let via = if arg & 0x80 == 0 {
                Transport::Polling
            } else {
                Transport::WebSocket
            };
            let actions = match op % 5 {
                0 => session.receive(
                    fixed[usize::from(arg & 0x7f) % fixed.len()].clone(),
                    via,
                    now,
                ),
                1 => {
                    now += Duration::from_millis(u64::from(arg) * 4);
                    Default::default()
                }
                2 => session.on_deadline(now),
                3 => session.close(crate::transport::session::CloseReason::ForcedClose),
                _ => {
                    let len = usize::from(arg & 0x0f);
                    let text: Vec<u8> = bytes.by_ref().take(len).collect();
                    match std::str::from_utf8(&text).map(Packet::decode_text) {
                        Ok(Ok(packet)) => session.receive(packet, via, now),
                        _ => Default::default(),
                    }
                }
            };
            if closed {
                assert!(actions.is_empty(), "{actions:?} after the close");
            }
            for (i, action) in actions.iter().enumerate() {
                match action {
                    Action::Close(_) => {
                        assert_eq!(i + 1, actions.len(), "the close is last: {actions:?}");
                        closed = true;
                    }
                    Action::Message(text) => assert!(text.len() <= config.max_payload),
                    Action::Binary(bytes) => assert!(bytes.len() <= config.max_payload),
                    _ => {}
                }
            }
            assert_eq!(session.is_closed(), closed);
            assert!(session.deadline() >= deadline, "the deadline moved earlier");
            deadline = session.deadline();
        }
    }
}

/// The query extractor to use with generated clients: axum-extra's `Query`, which decodes
/// sequences from repeated keys (`?tag=a&tag=b` into `tags: Vec<String>` with
/// `#[serde(rename = "tag")]`, or `?tags=a&tags=b`), the encoding both generated clients and
/// socket requests' `data` use. axum's own `Query` rejects repeated keys; the client generator
/// refuses a sequence field in an `axum::extract::Query` and says to use this one.
pub use axum_extra::extract::Query;

/// Declares an async handler for `DELETE` requests; see [`get`].
pub use sailroute_macros::delete;
/// Names the Socket.IO event a serde type travels as, once: `#[sailroute::event("message")]`
/// implements [`Event`], so `sockets.send(room, &msg, None)` needs no name, and generated
/// clients get a typed listener for it. A route attribute's `subscribes = ChatMessage` says
/// which events a route subscribes the requesting socket to.
pub use sailroute_macros::event;
/// Declares an async handler for `GET` requests on a path — Sails' `/users/:id` or axum's
/// `/users/{id}` (a trailing `*rest` or `{*rest}` takes the rest of the path). The handler
/// stays an ordinary axum handler; [`routes!`] puts it on its method and path. Misuse is a
/// compile error that says what to write instead: a path parameter no `Path` extractor binds
/// (or a `Path` tuple of the wrong length), bad path syntax, a handler that is not `async`.
///
/// ```
/// use axum::{Json, extract::Path};
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct User { id: u64 }
///
/// /// Fetches one user.
/// #[sailroute::get("/users/:id")]
/// async fn get_user(Path(id): Path<u64>) -> Json<User> {
///     Json(User { id })
/// }
///
/// let app: axum::Router = sailroute::routes![get_user];
/// ```
pub use sailroute_macros::get;
/// Declares an async handler for `HEAD` requests; see [`get`].
pub use sailroute_macros::head;
/// Declares a blueprint model: `#[sailroute::model("user")]` on a struct whose fields are its
/// attributes (`name: Option<String>`), singular associations (`#[model] owner:
/// Option<User>`) and collections (`#[collection(via = "owner")] pets: Vec<Pet>`). It
/// implements [`blueprints::ModelType`]; `prefix = "/api"` and `route_name = "users"` set where
/// its routes are served. The client generator reads the same declaration. See
/// `docs/blueprints.md`.
pub use sailroute_macros::model;
/// Declares an async handler for `OPTIONS` requests; see [`get`].
pub use sailroute_macros::options;
/// Declares an async handler for `PATCH` requests; see [`get`].
pub use sailroute_macros::patch;
/// Declares an async handler for `POST` requests; see [`get`].
pub use sailroute_macros::post;
/// Declares an async handler for `PUT` requests; see [`get`].
pub use sailroute_macros::put;
/// Marks a record type for Sails' resourceful pub-sub: `#[sailroute::resource("pet")]` (the
/// primary key is `u64` unless `id = Type` says otherwise) implements [`ResourceRecord`], for
/// [`Sockets::resource_of`], and generated clients get the typed message union.
pub use sailroute_macros::resource;
/// Builds an axum `Router<S>` from handlers declared with the route attributes:
/// `routes![get_user, users::create_user]`. Two handlers with the same method and path are a
/// compile error pointing at the second.
pub use sailroute_macros::routes;

/// Support for the macros' expansions; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::strict_json::StrictJson;
    pub use crate::valid::{Probe, ProbeAny, ProbeChecked};
    pub use axum::Router;
    pub use axum::response::{IntoResponse, Response};
    pub use axum::routing::MethodFilter;
    pub use serde::Serialize;

    /// Events and resources: what `subscribes = T` may name.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not an event or a resource",
        label = "`subscribes` names an event or resource type",
        note = "mark the type `#[sailroute::event(\"name\")]` or `#[sailroute::resource(\"identity\")]`"
    )]
    pub trait Subscribable {}

    /// Fails to compile unless `T` is an event or resource type.
    pub const fn assert_subscribable<T: Subscribable + ?Sized>() {}

    /// Adds one handler on its method and path.
    pub fn route<S, H, T>(
        router: Router<S>,
        method: MethodFilter,
        path: &str,
        handler: H,
    ) -> Router<S>
    where
        H: axum::handler::Handler<T, S>,
        T: 'static,
        S: Clone + Send + Sync + 'static,
    {
        router.route(path, axum::routing::on(method, handler))
    }

    /// Whether `shapes[index]` equals an earlier entry (evaluated at compile time).
    pub const fn repeats(shapes: &[&str], index: usize) -> bool {
        let mut j = 0;
        while j < index {
            if eq(shapes[j].as_bytes(), shapes[index].as_bytes()) {
                return true;
            }
            j += 1;
        }
        false
    }

    const fn eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}

/// The bridge's two halves, for benchmarks (`bench/benches/bridge.rs`); not a public API.
#[doc(hidden)]
pub mod __bench {
    use axum::body::Body;

    /// The runtime's guard alone around `router` (catch-panic, body limits, the `Sockets`
    /// extension), to measure against tower-http's layers (`bench/benches/http.rs`).
    pub fn guarded(
        router: axum::Router,
        max_body: usize,
        sockets: crate::Sockets,
    ) -> impl tower::Service<
        http::Request<Body>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone {
        crate::guard::Guarded::new(router, max_body, sockets, &crate::TrustProxy::none())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A virtual request event's data (`["get", {"url": ...}]`, as it arrives) to the
    /// `http::Request` the router sees, for a socket without handshake headers.
    pub fn request(event: &str) -> Result<http::Request<Body>, String> {
        let (method, raw) = crate::wire::decode_event(event);
        let method = method.ok_or("not a virtual request event")?;
        let raw = raw.map_err(|e| e.to_string())?;
        crate::bridge::build_request(
            method,
            raw,
            &crate::bridge::Handshake::default(),
            None,
            Default::default(),
        )
        .map_err(|e| e.to_string())
    }

    /// A virtual request event's data decoded as a socket's request handler does; whether it
    /// named a method and held a request.
    pub fn decode_event(event: &str) -> bool {
        let (method, raw) = crate::wire::decode_event(event);
        method.is_some() && raw.is_ok()
    }

    /// A router response to the ack payload, serialized as it goes on the wire.
    pub async fn ack(response: http::Response<Body>) -> String {
        let jwr = crate::bridge::into_jwr(response).await;
        serde_json::to_string(&jwr).unwrap_or_default()
    }
}
