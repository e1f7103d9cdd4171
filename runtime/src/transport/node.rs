//! The transport serving the runtime: this node's sockets, from the HTTP request that opens one
//! to the Socket.IO packets it exchanges, on the parts beside this module (the upgrade, the
//! connection, the session, the table, the heartbeat wheel).
//!
//! What is served so far (`ServerBuilder::transport(SocketTransport::Sailroute)`, issue 20):
//! Engine.IO 4 with Socket.IO 5, and Engine.IO 3 with Socket.IO 2 (`sails.io.js`), over
//! WebSocket and long-polling with the upgrade between them, on the default namespace — connect
//! (its auth payload is accepted and not read, as the runtime's connect checks read the
//! handshake; Socket.IO 2 sockets are connected at once, as socket.io 2 does), events as Sails
//! virtual requests through the same bridge as socketioxide's, acks, pushes to rooms,
//! disconnect, other namespaces refused with `Invalid namespace` as socket.io does, and a binary
//! event answered 400 through its ack (its attachments are read and dropped). Where socket.io
//! closes a connection for a packet that is not Socket.IO, this transport ignores the packet: no
//! input drops a socket (docs/robustness.md).

use std::convert::Infallible;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use http::{Method, StatusCode};
use socketioxide::socket::Sid;

use super::conn::{Conn, Event, MessageWriter, PollError};
use super::engine::{self, Packet};
use super::heartbeat::Heartbeats;
use super::session::{self, CloseReason, Session};
use super::socket::{self, Head, Kind};
use super::stream::Stream;
use super::table::{SocketId, Table};
use super::{upgrade, ws};
use crate::connection::{Incoming, Peer, Shared, SocketState, handle};
use crate::refusal::text_response;
use crate::wire::{Jwr, ParseErrorEvent};

/// Runs before a socket is connected: `Err` with the connect error's message refuses it (the
/// contract check, sessions' handshake work).
pub(crate) type ConnectCheck = Arc<
    dyn Fn(
            Arc<http::request::Parts>,
        ) -> futures_util::future::BoxFuture<'static, Result<(), String>>
        + Send
        + Sync,
>;

/// One socket of this node: its connection, the request that opened it, and its Socket.IO
/// state.
pub(crate) struct Live {
    conn: Conn,
    id: SocketId,
    /// `id` as socketioxide's type, which the `Socket` handle of each request names; made
    /// once rather than per request.
    sid: Sid,
    /// The handshake request's head (the policy copied it out of hyper's buffer).
    parts: Arc<http::request::Parts>,
    /// The socket's Socket.IO state while it is in the default namespace: `None` before its
    /// CONNECT and after its DISCONNECT (the connection may stay, as in socket.io, and join
    /// again).
    state: Mutex<Option<Arc<SocketState>>>,
    /// Whether it is in the namespace: read on every push, without the lock.
    in_namespace: AtomicBool,
    /// A CONNECT is being checked.
    connecting: AtomicBool,
    /// The Engine.IO version (3: Socket.IO revision 4, as `sails.io.js` speaks it; 4: revision 5).
    version: engine::Version,
    /// When the WebSocket opened: a socket that has not joined the namespace within
    /// [`CONNECT_TIMEOUT`] is closed, as socket.io's `connectTimeout` does.
    opened: Instant,
}

impl Live {
    /// The Socket.IO revision the socket speaks.
    fn revision(&self) -> socket::Version {
        match self.version {
            engine::Version::V3 => socket::Version::V4,
            engine::Version::V4 => socket::Version::V5,
        }
    }

    /// A CONNECT_ERROR (revision 4's ERROR) for `namespace` with `message`: an object in
    /// revision 5, the bare message in revision 4, as socket.io 2 writes it.
    fn refuse(&self, namespace: &str, message: &str) {
        let message = serde_json::Value::from(message);
        let data = match self.revision() {
            socket::Version::V5 => serde_json::json!({ "message": message }),
            socket::Version::V4 => message,
        };
        let packet = if namespace == "/" {
            format!("4{data}")
        } else {
            format!("4{namespace},{data}")
        };
        // Engine.IO's `4` is added by the packet's encoding.
        let _ = self.conn.send_packet(&Packet::Message(packet));
    }

    fn socket_state(&self) -> MutexGuard<'_, Option<Arc<SocketState>>> {
        // A plain value, consistent after any panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the socket out of the namespace: its state, if it was in.
    fn leave_namespace(&self) -> Option<Arc<SocketState>> {
        let mut state = self.socket_state();
        self.in_namespace.store(false, Ordering::Release);
        state.take()
    }

    /// Whether the socket has joined the default namespace and its connection is open: only
    /// such a socket is reached by pushes and listed as a room member, as in socketioxide.
    pub(crate) fn joined(&self) -> bool {
        self.in_namespace.load(Ordering::Acquire) && !self.conn.is_closed()
    }
}

/// How long a Socket.IO 5 socket may stay without joining the default namespace (socket.io's
/// default `connectTimeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(45);

/// This node's sockets and what serves them.
pub(crate) struct Node {
    table: Mutex<Table<Live>>,
    wheel: Mutex<Heartbeats>,
    config: session::Config,
    /// How many bytes may wait for a slow client before it is disconnected.
    bound: usize,
    shared: OnceLock<Arc<Shared>>,
    check: OnceLock<ConnectCheck>,
    /// The heartbeat task runs (started with the first connection, inside the runtime).
    ticking: AtomicBool,
}

/// The heartbeat wheel's resolution: Engine.IO's timers are tens of seconds.
const TICK: Duration = Duration::from_millis(100);

impl Node {
    /// A node with these Engine.IO settings; `bound` is what may wait for a slow client.
    pub(crate) fn new(config: session::Config, bound: usize) -> Arc<Node> {
        // A horizon beyond the longest timer keeps each wheel entry to one look.
        let horizon = (config.ping_interval + config.ping_timeout).as_millis() / TICK.as_millis();
        let slots = usize::try_from(horizon)
            .unwrap_or(usize::MAX)
            .clamp(16, 1 << 16)
            + 1;
        Arc::new(Node {
            table: Mutex::new(Table::default()),
            wheel: Mutex::new(Heartbeats::new(TICK, slots, Instant::now())),
            config,
            bound,
            shared: OnceLock::new(),
            check: OnceLock::new(),
            ticking: AtomicBool::new(false),
        })
    }

    /// What every socket's requests share, and the connect check; set once when the server is
    /// built (the router needs the `Sockets` handle made on this node first).
    pub(crate) fn attach(&self, shared: Arc<Shared>, check: ConnectCheck) {
        self.shared.set(shared).ok();
        self.check.set(check).ok();
    }

    pub(crate) fn table(&self) -> MutexGuard<'_, Table<Live>> {
        // Only non-blocking work happens under the lock, so a poisoned lock is taken as is.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wheel(&self) -> MutexGuard<'_, Heartbeats> {
        self.wheel.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers a request to the socket path (the policy has passed it): opens an Engine.IO 3
    /// or 4 session on WebSocket or long-polling, serves a polling session's GETs and POSTs,
    /// and upgrades it to WebSocket; anything else gets engine.io's error.
    pub(crate) fn serve(self: &Arc<Self>, request: Request) -> BoxFuture<'static, Response> {
        let now =
            |response| -> BoxFuture<'static, Response> { Box::pin(std::future::ready(response)) };
        if request.method() == Method::OPTIONS {
            return now(preflight(&request));
        }
        let query = request.uri().query().unwrap_or_default();
        let param = |name: &str| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        // engine.io checks the transport before the protocol version.
        let transport = match param("transport").as_deref() {
            Some("websocket") => session::Transport::WebSocket,
            Some("polling") => session::Transport::Polling,
            _ => return now(refuse(EngineError::TransportUnknown)),
        };
        let version = match param("EIO").as_deref() {
            Some("4") => engine::Version::V4,
            Some("3") => engine::Version::V3,
            _ => return now(refuse(EngineError::UnsupportedVersion)),
        };
        // The same reading of `sid` as the policy's (engine_query.rs): a request the policy
        // took for a handshake opens a session, and only such a request does.
        let sid = crate::engine_query::session_id(query).map(str::to_owned);
        match (transport, sid) {
            (session::Transport::WebSocket, None) => {
                let (response, parts, on_upgrade) = match accept(request) {
                    Ok(accepted) => accepted,
                    Err(refused) => return now(refused.into_response()),
                };
                let node = self.clone();
                tokio::spawn(async move {
                    if let Some((stream, early)) = upgraded(on_upgrade).await {
                        node.open(version, Some((stream, early)), parts);
                    }
                });
                now(response)
            }
            (session::Transport::WebSocket, Some(sid)) => {
                let Some(live) = self.session(&sid, version) else {
                    return now(refuse(EngineError::SessionUnknown));
                };
                let (response, _, on_upgrade) = match accept(request) {
                    Ok(accepted) => accepted,
                    Err(refused) => return now(refused.into_response()),
                };
                tokio::spawn(async move {
                    let Some((stream, early)) = upgraded(on_upgrade).await else {
                        return;
                    };
                    // A session that upgraded already, or has a probe, gets its WebSocket
                    // closed at once, as engine.io does.
                    if let Err(stream) = live.conn.attach(stream, early) {
                        tracing::debug!("a second WebSocket came for a session: closed");
                        let _ = stream.try_write(&ws::close());
                        return;
                    }
                    // engine.io's `upgradeTimeout`: a probe that has not sent `5` by then is
                    // dropped, and the session goes on polling. The timer does not keep a
                    // closed socket alive.
                    let live = Arc::downgrade(&live);
                    tokio::time::sleep(UPGRADE_TIMEOUT).await;
                    if let Some(live) = live.upgrade() {
                        live.conn.drop_probe();
                    }
                });
                now(response)
            }
            (session::Transport::Polling, None) => {
                if request.method() != Method::GET {
                    return now(refuse(EngineError::BadHandshakeMethod));
                }
                // engine.io 3's JSONP polling (`j=`), for browsers without XHR, is not served.
                if version == engine::Version::V3 && param("j").is_some() {
                    return now(refuse(EngineError::BadRequest));
                }
                let binary = binary_capable(version, query);
                let (parts, _) = request.into_parts();
                let open = self
                    .clone()
                    .open(version, None, without_upgrade_headers(parts));
                now(payload(version, binary, &[open]))
            }
            (session::Transport::Polling, Some(sid)) => {
                let Some(live) = self.session(&sid, version) else {
                    return now(refuse(EngineError::SessionUnknown));
                };
                let binary = binary_capable(version, query);
                match *request.method() {
                    Method::GET => Box::pin(async move {
                        match live.conn.poll().await {
                            Ok(packets) => payload(version, binary, &packets),
                            Err(PollError::Closed) => refuse(EngineError::SessionUnknown),
                            Err(e) => {
                                tracing::debug!(error = %e, "a poll was refused");
                                refuse(EngineError::BadRequest)
                            }
                        }
                    }),
                    Method::POST => {
                        let node = self.clone();
                        Box::pin(async move { node.post(&live, request).await })
                    }
                    _ => now(refuse(EngineError::BadRequest)),
                }
            }
        }
    }

    /// The session `sid` names, if it is open here on this Engine.IO version.
    fn session(&self, sid: &str, version: engine::Version) -> Option<Arc<Live>> {
        let id: SocketId = sid.parse().ok()?;
        let live = self.table().get(id)?.clone();
        (live.version == version && !live.conn.is_closed()).then_some(live)
    }

    /// A long-polling POST: its body (at most `maxPayload` and some framing) through the
    /// session, each message to the Socket.IO layer; `ok`, as engine.io answers.
    async fn post(self: Arc<Self>, live: &Arc<Live>, request: Request) -> Response {
        let binary = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"application/octet-stream"));
        let limit = self.config.max_payload.saturating_add(POST_FRAMING);
        let body = match axum::body::to_bytes(request.into_body(), limit).await {
            Ok(body) => body,
            Err(e) => {
                // Too large, or the client went away mid-body: the session closes, as
                // engine.io's does for a body over `maxHttpBufferSize`.
                tracing::debug!(error = %e, "a polling body was not read: the session closes");
                live.conn.close(CloseReason::TransportError);
                return text_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "text/plain; charset=utf-8",
                    format!("a polling body is at most {limit} bytes"),
                );
            }
        };
        let id = live.id;
        match live
            .conn
            .post(&body, binary, |event| self.on_event(id, live, event))
        {
            Ok(()) => text_response(StatusCode::OK, "text/html", "ok".to_owned()),
            Err(PollError::Closed) => refuse(EngineError::SessionUnknown),
            Err(e) => {
                tracing::debug!(error = %e, "a polling body was refused");
                refuse(EngineError::BadRequest)
            }
        }
    }

    /// Opens a session: on the upgraded WebSocket `stream` (with what hyper read past the
    /// upgrade request), or on long-polling when `None`; its task starts. On Engine.IO 3 the
    /// socket joins the default namespace at once, as socket.io 2 does (its clients send no
    /// CONNECT for `/`). The handshake packet, which a WebSocket has been sent already and a
    /// polling session's first GET answers with.
    fn open(
        self: Arc<Self>,
        version: engine::Version,
        stream: Option<(Stream, Bytes)>,
        parts: http::request::Parts,
    ) -> Packet {
        self.start_ticking();
        let transport = match stream {
            Some(_) => session::Transport::WebSocket,
            None => session::Transport::Polling,
        };
        let mut handshake = None;
        let mut early = Bytes::new();
        let parts = Arc::new(parts);
        let (id, live) = self.table().insert(|id| {
            let (session, open) = Session::open(
                version,
                transport,
                &id.to_string(),
                self.config,
                Instant::now(),
            );
            handshake = Some(open);
            let conn = match stream {
                Some((stream, rest)) => {
                    early = rest;
                    Conn::new(id.slot(), stream, version, session, self.bound)
                }
                None => Conn::polling(id.slot(), version, session, self.bound),
            };
            Live {
                conn,
                id,
                sid: sid_of(id),
                version,
                parts,
                state: Mutex::new(None),
                in_namespace: AtomicBool::new(false),
                connecting: AtomicBool::new(false),
                opened: Instant::now(),
            }
        });
        let first = live.conn.first_wakeup();
        self.wheel().schedule(id.slot(), first);
        let open = handshake.unwrap_or(Packet::Noop);
        if transport == session::Transport::WebSocket {
            // A failed send has closed the connection; its task ends it.
            let _ = live.conn.send_packet(&open);
        }
        if version == engine::Version::V3 {
            self.connect(id, &live);
        }
        // The connection's own task: a task's memory is the largest state its future ever
        // has, and the upgrade's are not the connection's.
        tokio::spawn(async move {
            live.conn
                .run(&early, |_, event| self.on_event(id, &live, event))
                .await;
            // The hooks run before the socket leaves the table (it is no longer reached, being
            // closed), so that shutdown, which waits for the table to empty, waits for them.
            let farewell = match (live.leave_namespace(), self.shared.get()) {
                (Some(state), Some(shared)) if state.needs_farewell(shared) => {
                    Some(state.farewell(shared, id.to_string(), &live.parts))
                }
                _ => None,
            };
            // On a task of its own: a task's allocation is its future's largest state, and the
            // hook's future would otherwise be part of every idle connection's task.
            if let Some(farewell) = farewell
                && let Err(e) = tokio::spawn(farewell).await
            {
                tracing::warn!(socket = %id, error = %e, "a disconnect hook panicked");
            }
            self.table().remove(id);
        });
        open
    }

    /// Starts the heartbeat task once, inside the runtime serving the first connection.
    fn start_ticking(self: &Arc<Self>) {
        if self.ticking.swap(true, Ordering::AcqRel) {
            return;
        }
        let node = Arc::downgrade(self);
        tokio::spawn(heartbeats(node));
    }

    /// A message from a socket's connection.
    fn on_event(&self, id: SocketId, live: &Arc<Live>, event: Event) {
        match event {
            Event::Message(text) => self.on_packet(id, live, &text),
            // Attachments: a binary event is answered 400 from its text part alone (no virtual
            // request carries binary), and the server asks no acks that could carry them.
            Event::Binary(_) | Event::Closed(_) => {}
        }
    }

    /// A Socket.IO packet from socket `id`.
    fn on_packet(&self, id: SocketId, live: &Arc<Live>, text: &str) {
        let head = match Head::read(live.revision(), text) {
            Ok(head) => head,
            Err(error) => {
                // socket.io closes such a connection; here no input drops a socket
                // (docs/robustness.md): it is ignored, as any other malformed packet is.
                tracing::debug!(socket = %id, %error, "not a Socket.IO packet: ignored");
                return;
            }
        };
        if head.namespace != "/" {
            if head.kind == Kind::Connect {
                live.refuse(head.namespace, "Invalid namespace");
            }
            return;
        }
        match head.kind {
            // A CONNECT carries nothing or an auth object: anything else is refused with a
            // CONNECT_ERROR that says so (socket.io would close the connection).
            Kind::Connect if !(head.data.is_empty() || head.data.trim_start().starts_with('{')) => {
                live.refuse("/", "a CONNECT carries no data or an auth object");
            }
            Kind::Connect => self.connect(id, live),
            Kind::Disconnect => self.disconnect(id, live),
            Kind::Event | Kind::BinaryEvent => self.event(id, live, &head),
            // The server asks no acks of clients; errors come only from servers.
            Kind::Ack | Kind::BinaryAck | Kind::Error => {}
        }
    }

    /// A CONNECT to the default namespace: the connect checks, then `40{"sid":…}` (revision
    /// 5) or `40` (revision 4).
    fn connect(&self, id: SocketId, live: &Arc<Live>) {
        if live.in_namespace.load(Ordering::Acquire) || live.connecting.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let Some(shared) = self.shared.get().cloned() else {
            return;
        };
        let check = self.check.get().cloned();
        let live = live.clone();
        tokio::spawn(async move {
            if let Some(check) = check
                && let Err(message) = check(live.parts.clone()).await
            {
                live.refuse("/", &message);
                live.connecting.store(false, Ordering::Release);
                return;
            }
            let state = Arc::new(SocketState::new(&shared, &live.parts));
            *live.socket_state() = Some(state);
            live.in_namespace.store(true, Ordering::Release);
            live.connecting.store(false, Ordering::Release);
            // Revision 5 names the socket's id; in revision 4 it is the Engine.IO session's.
            let connected = match live.revision() {
                socket::Version::V5 => format!("0{{\"sid\":\"{id}\"}}"),
                socket::Version::V4 => "0".to_owned(),
            };
            let _ = live.conn.send_packet(&Packet::Message(connected));
        });
    }

    /// A DISCONNECT from the default namespace: the socket leaves it (its rooms, then its
    /// disconnect hooks, on a task of their own) and the connection stays, as in socket.io: the
    /// client closes it, or sends a CONNECT again. A connection that stays without a namespace
    /// is closed by the connect timeout.
    fn disconnect(&self, id: SocketId, live: &Arc<Live>) {
        let Some(state) = live.leave_namespace() else {
            return;
        };
        {
            let mut table = self.table();
            let own = id.to_string();
            for room in table.rooms_of(id).unwrap_or_default() {
                if *room != *own {
                    table.leave(id, &room);
                }
            }
        }
        if let Some(shared) = self.shared.get()
            && state.needs_farewell(shared)
        {
            tokio::spawn(state.farewell(shared, id.to_string(), &live.parts));
        }
    }

    /// An event: a virtual request, served on a task of its own.
    fn event(&self, id: SocketId, live: &Arc<Live>, head: &Head<'_>) {
        let (Some(state), Some(shared)) = (live.socket_state().clone(), self.shared.get()) else {
            // Not connected to the namespace: socket.io ignores it too.
            return;
        };
        let incoming = Incoming::read(head.data, head.kind == Kind::BinaryEvent, head.id.is_some());
        let peer = LivePeer {
            id,
            live: live.clone(),
            ack: head.id,
        };
        if !incoming.is_request() {
            // Not a virtual request: ignored, as Sails does. But an event whose name cannot
            // be read (its JSON is broken) and that waits for an ack gets a 400, not silence.
            if head.id.is_some()
                && serde_json::from_str::<serde::de::IgnoredAny>(head.data).is_err()
            {
                let jwr = Jwr::error(
                    StatusCode::BAD_REQUEST,
                    "the event is not a JSON array whose first item is its name".to_owned(),
                );
                let _ = peer.ack(&jwr);
            }
            return;
        }
        let mut request = Box::pin(handle(shared.clone(), state.clone(), peer, incoming));
        // The request's first poll runs here, on the connection's task: a request that is
        // answered without waiting (most are: the handlers answer from memory) then costs no
        // task of its own and no wake of another worker thread, whose futex wake-ups and
        // context switches were the largest item of a socket GET's profile. One that waits is
        // spawned and polled again at once, with its own waker (a future keeps the waker of
        // its latest poll, so the no-op one of this poll is never the one woken).
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            request.as_mut().poll(&mut cx)
        })) {
            Ok(std::task::Poll::Ready(())) => {}
            Ok(std::task::Poll::Pending) => {
                tokio::spawn(request);
            }
            // The router catches a handler's panic (500); this is the bridge's own.
            Err(_) => {
                tracing::error!(socket = %id, "a socket request panicked outside its handler")
            }
        }
    }

    /// Closes every socket's transport (shutdown): a WebSocket close frame, no Socket.IO
    /// DISCONNECT, so that clients reconnect; waits up to a second for their tasks to run the
    /// disconnect hooks (a socket leaves the table after its hooks).
    pub(crate) async fn close_all(&self) {
        let mut all = Vec::new();
        self.table()
            .for_each(None, |_, live| all.push(live.clone()));
        for live in &all {
            live.conn.close(CloseReason::ForcedClose);
        }
        drop(all);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        while !self.table().is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Writes an event to every socket in `rooms` (every socket when empty), except `omit`:
    /// the frame is encoded once and written into each socket from this task.
    pub(crate) fn emit(&self, rooms: &[&str], omit: Option<SocketId>, event: &str, data: &str) {
        let name = match serde_json::to_string(event) {
            Ok(name) => name,
            Err(_) => return,
        };
        // Engine.IO's `4` and Socket.IO's `2`: the WebSocket frame is encoded once; a session
        // that polls takes the message into its outbox.
        let text = format!("2[{name},{data}]");
        let frame = ws::text(&format!("4{text}"));
        // The recipients are taken under the table's lock and written to after it, so that
        // connects, disconnects and joins do not wait for a broadcast's system calls.
        let mut recipients = Vec::new();
        let mut take = |id: SocketId, live: &Arc<Live>| {
            if live.in_namespace.load(Ordering::Acquire) {
                recipients.push((id, live.clone()));
            }
        };
        {
            let table = self.table();
            if rooms.is_empty() {
                table.for_each(omit, &mut take);
            } else {
                table.for_each_in(rooms, omit, &mut take);
            }
        }
        for (id, live) in recipients {
            if let Err(e) = live.conn.send_message(&frame, &text) {
                tracing::debug!(socket = %id, error = %e, "a push was not written");
            }
        }
    }

    /// The handshake head of session `id`, if it is open here (joined to the namespace or
    /// not: the policy checks that a polling session's requests come from its client).
    pub(crate) fn parts(&self, id: SocketId) -> Option<Arc<http::request::Parts>> {
        self.table()
            .get(id)
            .filter(|live| !live.conn.is_closed())
            .map(|live| live.parts.clone())
    }
}

/// How long a probing WebSocket has to complete the upgrade (engine.io's `upgradeTimeout`).
const UPGRADE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a polling body may hold beyond `maxPayload`: its framing (Engine.IO 3's length
/// prefixes, Engine.IO 4's separators) and the few packets that ride along (pings, a close).
const POST_FRAMING: usize = 1024;

/// engine.io's errors, each a 400 with its code and message.
#[derive(Debug, Clone, Copy)]
enum EngineError {
    TransportUnknown,
    SessionUnknown,
    BadHandshakeMethod,
    BadRequest,
    UnsupportedVersion,
}

fn refuse(error: EngineError) -> Response {
    let (code, message) = match error {
        EngineError::TransportUnknown => (0, "Transport unknown"),
        EngineError::SessionUnknown => (1, "Session ID unknown"),
        EngineError::BadHandshakeMethod => (2, "Bad handshake method"),
        EngineError::BadRequest => (3, "Bad request"),
        EngineError::UnsupportedVersion => (5, "Unsupported protocol version"),
    };
    text_response(
        StatusCode::BAD_REQUEST,
        "application/json",
        serde_json::json!({ "code": code, "message": message }).to_string(),
    )
}

/// A CORS preflight of a polling request (one with headers of the client's own, as
/// `extraHeaders` sets): the methods and headers are allowed; the policy has checked the
/// origin and adds `Access-Control-Allow-Origin` to what it allows.
fn preflight(request: &Request) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_METHODS,
        http::HeaderValue::from_static("GET, POST"),
    );
    if let Some(asked) = request
        .headers()
        .get(http::header::ACCESS_CONTROL_REQUEST_HEADERS)
    {
        headers.insert(http::header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    response
}

/// Whether the client reads binary polling bodies: Engine.IO 3 clients with XHR2 (no `b64`);
/// Engine.IO 4 always writes binary as base64 in text.
fn binary_capable(version: engine::Version, query: &str) -> bool {
    version == engine::Version::V3
        && !form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "b64")
}

/// A polling GET's answer: `packets` in the body form of `version`.
fn payload(version: engine::Version, binary: bool, packets: &[Packet]) -> Response {
    let has_binary = packets.iter().any(|p| matches!(p, Packet::Binary(_)));
    let (content_type, body) = match version {
        engine::Version::V4 => (
            "text/plain; charset=UTF-8",
            Bytes::from(engine::v4::encode_payload(packets)),
        ),
        engine::Version::V3 if binary && has_binary => (
            "application/octet-stream",
            Bytes::from(engine::v3::encode_binary_payload(packets)),
        ),
        engine::Version::V3 => (
            "text/plain; charset=UTF-8",
            Bytes::from(engine::v3::encode_payload(packets)),
        ),
    };
    let mut response = Response::new(axum::body::Body::from(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

/// The WebSocket handshake of `request` accepted: the `101` answer, the request's head
/// without the upgrade's own headers, and the upgrade to come; or why the handshake is not
/// valid.
fn accept(
    mut request: Request,
) -> Result<(Response, http::request::Parts, hyper::upgrade::OnUpgrade), upgrade::HandshakeError> {
    let (response, on_upgrade) = upgrade::accept(&mut request)?;
    let (parts, _) = request.into_parts();
    Ok((response, without_upgrade_headers(parts), on_upgrade))
}

/// The socket keeps its handshake's head for its life (`Socket::handshake()`, sessions, the
/// disconnect hook); the upgrade's own headers say nothing after the upgrade.
fn without_upgrade_headers(mut parts: http::request::Parts) -> http::request::Parts {
    for name in [
        http::header::SEC_WEBSOCKET_KEY,
        http::header::SEC_WEBSOCKET_VERSION,
        http::header::SEC_WEBSOCKET_EXTENSIONS,
        http::header::UPGRADE,
        http::header::CONNECTION,
    ] {
        parts.headers.remove(name);
    }
    parts
}

/// The upgraded connection's stream (a TCP stream gets `TCP_NODELAY`: pushes and acks are
/// small writes, and with Nagle's algorithm one waits for the client's delayed ACK of the
/// previous) and what hyper read past the upgrade request.
async fn upgraded(on_upgrade: hyper::upgrade::OnUpgrade) -> Option<(Stream, Bytes)> {
    match upgrade::stream(on_upgrade).await {
        Ok((stream, early)) => {
            if let Err(e) = stream.set_nodelay() {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY on a socket");
            }
            Some((stream, early))
        }
        Err(e @ (upgrade::StreamError::NotTcp | upgrade::StreamError::Bridge(_))) => {
            tracing::warn!(error = %e, "a socket was dropped after its upgrade");
            None
        }
        Err(e) => {
            tracing::debug!(error = %e, "a WebSocket upgrade did not complete");
            None
        }
    }
}

/// The one heartbeat task: every tick, wakes the connections whose deadline passed, and closes
/// those that have not joined the namespace in time. Ends with the node.
async fn heartbeats(node: Weak<Node>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut due = Vec::new();
    loop {
        interval.tick().await;
        let Some(node) = node.upgrade() else { return };
        let now = Instant::now();
        node.wheel().expired(now, &mut due);
        for slot in due.drain(..) {
            let live = node.table().get_slot(slot).map(|(_, live)| live.clone());
            let Some(live) = live else { continue };
            // Socket.IO 2 has no connect timeout: its default namespace is joined without a
            // CONNECT, and a socket the connect check refused stays open, as there, rather
            // than being closed into a reconnect (and a refusal again) every 45 s.
            if live.revision() == socket::Version::V5
                && !live.in_namespace.load(Ordering::Acquire)
                && now.duration_since(live.opened) >= CONNECT_TIMEOUT
            {
                tracing::debug!(
                    slot,
                    "no CONNECT within the connect timeout: the socket closes"
                );
                // The server's own close, as socket.io's connect timeout (`forced close`):
                // a waiting GET gets the close packet.
                live.conn.close(CloseReason::ForcedClose);
                continue;
            }
            if let Some(next) = live.conn.on_deadline(now) {
                node.wheel().schedule(slot, next);
            }
        }
    }
}

/// `id` as socketioxide's [`Sid`]. The transport's ids are written as socketioxide's (16
/// url-safe base64 characters; `transport/table/tests.rs` checks that socketioxide reads
/// them). Should that ever break, say so: the requests' `Socket` would name no socket.
fn sid_of(id: SocketId) -> Sid {
    id.to_string().parse().unwrap_or_else(|e| {
        tracing::error!(socket = %id, error = ?e, "a socket id socketioxide cannot read");
        Sid::new()
    })
}

/// A request's answers on the transport: the ack is written straight into the socket.
struct LivePeer {
    id: SocketId,
    live: Arc<Live>,
    ack: Option<u64>,
}

impl Peer for LivePeer {
    fn id(&self) -> Sid {
        self.live.sid
    }

    fn ack(self, jwr: &Jwr) -> Result<(), String> {
        let Some(ack) = self.ack else { return Ok(()) };
        // The ack is written once, into the buffer its WebSocket frame is sent from.
        let mut message = MessageWriter::new();
        write!(message, "3{ack}[").map_err(|e| e.to_string())?;
        serde_json::to_writer(&mut message, jwr).map_err(|e| e.to_string())?;
        message.write_all(b"]").map_err(|e| e.to_string())?;
        self.live
            .conn
            .send_written(message)
            .map_err(|e| e.to_string())
    }

    fn parse_error(self, event: &ParseErrorEvent<'_>) {
        let Ok(body) = serde_json::to_string(event) else {
            return;
        };
        let packet = Packet::Message(format!("2[\"sails:parseError\",{body}]"));
        if let Err(e) = self.live.conn.send_packet(&packet) {
            tracing::debug!(socket = %self.id, error = %e, "a parse error was not written");
        }
    }
}

/// The socket path's requests go to the node; every other request to the router.
#[derive(Clone)]
pub(crate) struct NodeService {
    pub(crate) router: crate::guard::Guarded,
    pub(crate) node: Arc<Node>,
    /// The socket path, with its trailing `/`.
    pub(crate) path: String,
}

impl tower::Service<Request> for NodeService {
    type Response = Response;
    type Error = Infallible;
    type Future = futures_util::future::Either<
        <crate::guard::Guarded as tower::Service<Request>>::Future,
        futures_util::future::Map<
            BoxFuture<'static, Response>,
            fn(Response) -> Result<Response, Infallible>,
        >,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let path = request.uri().path();
        if path.starts_with(&self.path) || path == self.path.trim_end_matches('/') {
            let ok: fn(Response) -> Result<Response, Infallible> = Ok;
            futures_util::future::Either::Right(self.node.serve(request).map(ok))
        } else {
            futures_util::future::Either::Left(self.router.call(request))
        }
    }
}
